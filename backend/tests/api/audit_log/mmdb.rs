//! A minimal MaxMind DB writer for tests: an IPv6 search tree (IPv4 networks under `::/96`)
//! with 24-bit records, a data section of maps, strings and unsigned integers, and the
//! metadata block readers require. Enough to build small GeoLite2-City-shaped files.

use ipnet::IpNet;

/// A value of the data section.
pub enum Value {
    Str(String),
    U16(u16),
    U32(u32),
    U64(u64),
    Map(Vec<(String, Value)>),
    Array(Vec<Value>),
}

/// A GeoLite2-City record with English country and city names.
pub fn city(country: &str, city: &str) -> Value {
    let names = |n: &str| {
        Value::Map(vec![(
            "names".into(),
            Value::Map(vec![("en".into(), Value::Str(n.into()))]),
        )])
    };
    Value::Map(vec![
        ("city".into(), names(city)),
        ("country".into(), names(country)),
    ])
}

/// Control byte(s) of a field: type and payload size (spec: "Data Field Format").
fn control(out: &mut Vec<u8>, kind: u8, size: usize) {
    let (bits, extra): (u8, Vec<u8>) = if size < 29 {
        (size as u8, vec![])
    } else if size < 29 + 256 {
        (29, vec![(size - 29) as u8])
    } else if size < 285 + 65_536 {
        (30, ((size - 285) as u16).to_be_bytes().to_vec())
    } else {
        (31, ((size - 65_821) as u32).to_be_bytes()[1..].to_vec())
    };
    if kind <= 7 {
        out.push((kind << 5) | bits);
    } else {
        // Extended types: type bits 0, the next byte is the type minus 7.
        out.push(bits);
        out.push(kind - 7);
    }
    out.extend(extra);
}

fn uint(out: &mut Vec<u8>, kind: u8, v: u64) {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let width = match kind {
        5 => 2,
        6 => 4,
        _ => 8,
    };
    let significant = &bytes[skip.max(8 - width)..];
    control(out, kind, significant.len());
    out.extend_from_slice(significant);
}

fn encode(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Str(s) => {
            control(out, 2, s.len());
            out.extend_from_slice(s.as_bytes());
        }
        Value::U16(n) => uint(out, 5, u64::from(*n)),
        Value::U32(n) => uint(out, 6, u64::from(*n)),
        Value::U64(n) => uint(out, 9, *n),
        Value::Map(pairs) => {
            control(out, 7, pairs.len());
            for (k, v) in pairs {
                encode(out, &Value::Str(k.clone()));
                encode(out, v);
            }
        }
        Value::Array(items) => {
            control(out, 11, items.len());
            for i in items {
                encode(out, i);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Record {
    Empty,
    Node(usize),
    Data(usize),
}

/// Networks and their records, written out by [`Writer::build`].
pub struct Writer {
    nodes: Vec<[Record; 2]>,
    data: Vec<u8>,
}

impl Default for Writer {
    fn default() -> Self {
        Self {
            nodes: vec![[Record::Empty; 2]],
            data: Vec::new(),
        }
    }
}

impl Writer {
    /// Maps `net` (non-overlapping with earlier ones) to `value`.
    pub fn insert(&mut self, net: &str, value: &Value) -> &mut Self {
        let net: IpNet = net.parse().expect("network");
        let (bits, len): (u128, usize) = match net {
            IpNet::V4(n) => (
                u128::from(u32::from(n.network())),
                96 + n.prefix_len() as usize,
            ),
            IpNet::V6(n) => (u128::from(n.network()), n.prefix_len() as usize),
        };
        assert!(len > 0, "the whole address space is not supported");
        let offset = self.data.len();
        encode(&mut self.data, value);
        let bit = |i: usize| ((bits >> (127 - i)) & 1) as usize;
        let mut node = 0;
        for i in 0..len - 1 {
            node = match self.nodes[node][bit(i)] {
                Record::Node(n) => n,
                Record::Empty => {
                    self.nodes.push([Record::Empty; 2]);
                    let n = self.nodes.len() - 1;
                    self.nodes[node][bit(i)] = Record::Node(n);
                    n
                }
                Record::Data(_) => panic!("{net} overlaps an earlier network"),
            };
        }
        self.nodes[node][bit(len - 1)] = Record::Data(offset);
        self
    }

    /// The `.mmdb` file.
    pub fn build(&self) -> Vec<u8> {
        let count = self.nodes.len();
        let mut out = Vec::new();
        for pair in &self.nodes {
            for r in pair {
                let v = match *r {
                    Record::Empty => count,
                    Record::Node(n) => n,
                    // Data pointers count from the tree's end plus the 16-byte separator.
                    Record::Data(off) => count + 16 + off,
                };
                out.extend_from_slice(&(v as u32).to_be_bytes()[1..]);
            }
        }
        out.extend_from_slice(&[0; 16]);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(b"\xAB\xCD\xEFMaxMind.com");
        let meta = Value::Map(vec![
            ("binary_format_major_version".into(), Value::U16(2)),
            ("binary_format_minor_version".into(), Value::U16(0)),
            ("build_epoch".into(), Value::U64(1_800_000_000)),
            ("database_type".into(), Value::Str("GeoLite2-City".into())),
            (
                "description".into(),
                Value::Map(vec![("en".into(), Value::Str("test".into()))]),
            ),
            ("ip_version".into(), Value::U16(6)),
            (
                "languages".into(),
                Value::Array(vec![Value::Str("en".into())]),
            ),
            ("node_count".into(), Value::U32(count as u32)),
            ("record_size".into(), Value::U16(24)),
        ]);
        encode(&mut out, &meta);
        out
    }
}

#[test]
fn the_reader_finds_what_the_writer_wrote() {
    let file = Writer::default()
        .insert("81.2.69.0/24", &city("United Kingdom", "London"))
        .insert("2a02:ec80::/29", &city("Sweden", "Stockholm"))
        .build();
    let reader = maxminddb::Reader::from_source(file).unwrap();
    let look = |ip: &str| {
        reader
            .lookup(ip.parse().unwrap())
            .unwrap()
            .decode::<maxminddb::geoip2::City>()
            .unwrap()
            .map(|c| {
                (
                    c.country.names.english.map(str::to_owned),
                    c.city.names.english.map(str::to_owned),
                )
            })
    };
    assert_eq!(
        look("81.2.69.142"),
        Some((Some("United Kingdom".into()), Some("London".into())))
    );
    assert_eq!(
        look("2a02:ec80::1"),
        Some((Some("Sweden".into()), Some("Stockholm".into())))
    );
    assert_eq!(look("81.2.70.1"), None);
    assert_eq!(look("8.8.8.8"), None);
}
