//! `GET /api/users`: search, filters, sort, pages and the field errors of a bad query.

use super::{create_user, delete, put};
use crate::db_test;
use crate::fixtures::{User, admin};
use crate::helpers::error_fields;
use crate::helpers::{Client, TestApp};
use axum::http::StatusCode;
use pocket_shared::user::UserListResponse;
use serde_json::json;

async fn list(c: &mut Client<'_>, query: &str) -> UserListResponse {
    let r = c.get(&format!("/api/users?{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

fn usernames(l: &UserListResponse) -> Vec<&str> {
    l.data.iter().map(|u| u.username.as_str()).collect()
}

db_test!(
    list_searches_filters_sorts_and_pages,
    |app: TestApp| async move {
        let mut c = admin(&app).await; // "admin", Ada Admin
        for (u, first, last, admin, verified) in [
            ("carol", "Carol", "Zeta", false, true),
            ("dave", "dave", "Young", true, false),
            ("erin", "Erin", "Xu", false, false),
        ] {
            create_user(
                &mut c,
                json!({"username": u, "email": format!("{u}@corp.example"), "firstName": first,
                       "lastName": last, "isAdmin": admin, "emailVerified": verified,
                       "disabled": u == "erin"}),
            )
            .await;
        }
        let all = list(&mut c, "").await;
        assert_eq!(
            usernames(&all),
            ["admin", "carol", "dave", "erin"],
            "by first name"
        );
        assert_eq!(all.pagination.total_items, 4);
        assert!(all.data[0].user_groups.is_empty());

        assert_eq!(
            usernames(&list(&mut c, "search=CORP").await),
            ["carol", "dave", "erin"]
        );
        assert_eq!(
            usernames(&list(&mut c, "search=zeta").await),
            ["carol"],
            "last name"
        );
        assert_eq!(
            usernames(&list(&mut c, "search=DAV").await),
            ["dave"],
            "username"
        );
        assert!(
            list(&mut c, "search=%25").await.data.is_empty(),
            "% is literal"
        );

        assert_eq!(
            usernames(&list(&mut c, "filters[isAdmin]=true").await),
            ["admin", "dave"]
        );
        assert_eq!(
            usernames(&list(&mut c, "filters[emailVerified]=true").await),
            ["carol"]
        );
        assert_eq!(
            usernames(&list(&mut c, "filters[disabled]=true").await),
            ["erin"]
        );
        assert_eq!(
            usernames(&list(&mut c, "filters[isAdmin]=false&filters[disabled]=false").await),
            ["carol"]
        );

        assert_eq!(
            usernames(&list(&mut c, "sort[column]=lastName&sort[direction]=desc").await),
            ["carol", "dave", "erin", "admin"]
        );
        assert_eq!(
            usernames(&list(&mut c, "sort[column]=email").await),
            ["admin", "carol", "dave", "erin"]
        );
        assert_eq!(
            usernames(&list(&mut c, "sort[column]=isAdmin&sort[direction]=desc").await)[..2],
            ["admin", "dave"]
        );

        let p2 = list(&mut c, "pagination[page]=2&pagination[limit]=3").await;
        assert_eq!(usernames(&p2), ["erin"]);
        assert_eq!(
            (
                p2.pagination.current_page,
                p2.pagination.total_pages,
                p2.pagination.items_per_page
            ),
            (2, 2, 3)
        );

        for (q, field) in [
            ("sort[column]=password", "sort[column]"),
            ("sort[direction]=sideways", "sort[direction]"),
            ("filters[isAdmin]=maybe", "filters[isAdmin]"),
            ("pagination[page]=x", "pagination[page]"),
        ] {
            let r = c.get(&format!("/api/users?{q}")).await;
            assert_eq!(error_fields(&r), [field], "{q}");
        }

        // Users without an email come last whichever the direction, on both engines.
        app.set_app_config("requireUserEmail", "false").await;
        create_user(&mut c, json!({"username": "nomail", "firstName": "N"})).await;
        for dir in ["asc", "desc"] {
            let l = list(&mut c, &format!("sort[column]=email&sort[direction]={dir}")).await;
            assert_eq!(usernames(&l).last(), Some(&"nomail"), "{dir}");
        }
    }
);

db_test!(
    search_index_follows_creates_renames_and_deletes,
    |app: TestApp| async move {
        // On SQLite searches of three characters or more read the FTS5 trigram index, which
        // triggers keep in step with `users`; on PostgreSQL the trigram GIN indexes serve the
        // same LIKE. Either way the answer must follow every change at once.
        let mut c = admin(&app).await;
        let u = create_user(
            &mut c,
            json!({"username": "quinn", "email": "quinn@fjord.example", "firstName": "Quinn",
                   "lastName": "Oberst"}),
        )
        .await;
        assert_eq!(usernames(&list(&mut c, "search=BERS").await), ["quinn"]);
        assert_eq!(usernames(&list(&mut c, "search=fjord.ex").await), ["quinn"]);
        assert_eq!(
            usernames(&list(&mut c, "search=Ob").await),
            ["quinn"],
            "2 characters"
        );

        let r = put(
            &mut c,
            &format!("/api/users/{}", u.id),
            json!({"username": "quinn2", "email": "quinn@delta.example", "firstName": "Quinn",
                   "lastName": "Marlow"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(
            list(&mut c, "search=berst").await.data.is_empty(),
            "old name gone"
        );
        assert!(
            list(&mut c, "search=fjord").await.data.is_empty(),
            "old email gone"
        );
        assert_eq!(usernames(&list(&mut c, "search=arlow").await), ["quinn2"]);
        assert_eq!(usernames(&list(&mut c, "search=uinn2").await), ["quinn2"]);

        // Quotes, FTS syntax and LIKE wildcards are searched for literally.
        for q in [
            "%22arlow%22",
            "arl*",
            "OR%20arlow",
            "a%22b%22c",
            "%25%25%25",
            "___",
        ] {
            let l = list(&mut c, &format!("search={q}")).await;
            assert!(l.data.is_empty(), "{q}: {:?}", usernames(&l));
        }
        let total = list(&mut c, "search=example").await.pagination.total_items;
        assert_eq!(total, 2, "admin and quinn2");

        let r = delete(&mut c, &format!("/api/users/{}", u.id)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert!(
            list(&mut c, "search=arlow").await.data.is_empty(),
            "deleted"
        );
        assert_eq!(
            list(&mut c, "search=example").await.pagination.total_items,
            1
        );
    }
);

db_test!(
    a_search_matching_thousands_pages_like_a_small_one,
    |app: TestApp| async move {
        // Above 2000 matches SQLite walks the sort index instead of sorting the matches; the
        // pages and the count must be the same either way.
        use pocket_id::db::entities::users;
        use sea_orm::EntityTrait;
        let mut c = admin(&app).await;
        let rows: Vec<users::ActiveModel> = (0..2_100)
            .map(|i| {
                let name = format!("bulk{i:04}");
                // Two first names, so the default sort interleaves and ties go by username.
                User::new(&name)
                    .email(&format!("{name}@many.example"))
                    .names(if i % 2 == 0 { "Zed" } else { "Amy" }, "Many")
                    .display_name(&format!("Bulk {i}"))
                    .email_verified()
                    .model()
            })
            .collect();
        for chunk in rows.chunks(500) {
            users::Entity::insert_many(chunk.to_vec())
                .exec(&app.db)
                .await
                .unwrap();
        }
        let first = list(&mut c, "search=many.example&pagination[limit]=5").await;
        assert_eq!(first.pagination.total_items, 2_100);
        assert_eq!(
            usernames(&first),
            ["bulk0001", "bulk0003", "bulk0005", "bulk0007", "bulk0009"],
            "Amy first, then by username"
        );
        let last = list(
            &mut c,
            "search=MANY.example&pagination[limit]=5&pagination[page]=420",
        )
        .await;
        assert_eq!(
            usernames(&last),
            ["bulk2090", "bulk2092", "bulk2094", "bulk2096", "bulk2098"]
        );
        let desc = list(
            &mut c,
            "search=many.example&sort[column]=firstName&sort[direction]=desc&pagination[limit]=3",
        )
        .await;
        assert_eq!(usernames(&desc), ["bulk2098", "bulk2096", "bulk2094"]);
        let by_name = list(
            &mut c,
            "search=bulk1&sort[column]=username&sort[direction]=desc&pagination[limit]=2",
        )
        .await;
        assert_eq!(by_name.pagination.total_items, 1_000);
        assert_eq!(usernames(&by_name), ["bulk1999", "bulk1998"]);
        // With a filter the count goes through the users table instead of the index alone.
        let filtered = list(
            &mut c,
            "search=many.example&filters[isAdmin]=false&pagination[limit]=1",
        )
        .await;
        assert_eq!(filtered.pagination.total_items, 2_100);
    }
);
