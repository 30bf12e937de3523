//! The command line of every command: `--key value` pairs, looked up by key.

use std::collections::HashMap;

use crate::Res;

/// `--key value` pairs.
pub struct Opts(HashMap<String, String>);

impl Opts {
    pub fn parse(args: impl Iterator<Item = String>) -> Res<Opts> {
        let mut map = HashMap::new();
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let key = arg.strip_prefix("--").ok_or(format!("expected --key, got {arg:?}"))?;
            let value = args.next().ok_or(format!("--{key} needs a value"))?;
            map.insert(key.to_owned(), value);
        }
        Ok(Opts(map))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn req(&self, key: &str) -> Res<&str> {
        self.get(key).ok_or(format!("--{key} is required"))
    }

    pub fn num(&self, key: &str, default: f64) -> Res<f64> {
        match self.get(key) {
            None => Ok(default),
            Some(text) => text
                .parse()
                .map_err(|_| format!("--{key} expects a number, got {text:?}")),
        }
    }
}
