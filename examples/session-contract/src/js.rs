//! The few JavaScript semantics the actions need on session values:
//! `(s[k] || 0) + n` and assigning along a path of keys.

use serde_json::{Map, Number, Value};

/// `(value || 0) + n`, as JavaScript computes it: falsy values (absent,
/// `null`, `false`, `0`, `""`) count as 0, numbers add, `true` is 1, and
/// anything else is concatenated as text (`"5" + 1` is `"51"`).
pub fn plus(value: Option<&Value>, n: i64) -> Value {
    match value {
        None | Some(Value::Null | Value::Bool(false)) => n.into(),
        Some(Value::Bool(true)) => (1 + n).into(),
        Some(Value::Number(number)) => add(number, n),
        Some(Value::String(text)) if text.is_empty() => n.into(),
        Some(other) => Value::String(format!("{}{n}", to_string(other))),
    }
}

fn add(number: &Number, n: i64) -> Value {
    if let Some(sum) = number.as_i64().and_then(|i| i.checked_add(n)) {
        return sum.into();
    }
    // Integers JavaScript cannot hold exactly, and fractions: a double.
    let sum = number.as_f64().unwrap_or(0.0) + n as f64;
    Number::from_f64(sum).map_or(Value::Null, Value::Number)
}

/// JavaScript's `String(value)`.
fn to_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        // `[1,[2,3]]` is "1,2,3"; null inside an array is empty.
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Null => String::new(),
                other => to_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_owned(),
    }
}

/// `o[k1]...[kn] = v` below `root` (the value of the session key `k1`,
/// or `None` when absent), creating intermediate objects: every step that
/// is not an object or an array becomes `{}`. Returns the new value of
/// `k1`. `path` is `[k2, .., kn]`, not empty.
pub fn set_path(root: Option<Value>, path: &[String], value: Value) -> Value {
    let mut root = match root {
        Some(v @ (Value::Object(_) | Value::Array(_))) => v,
        _ => Value::Object(Map::new()),
    };
    let mut slot = &mut root;
    for (i, key) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let next = match slot {
            Value::Object(map) => {
                let child = map.entry(key.clone()).or_insert(Value::Null);
                if last {
                    *child = value;
                    break;
                }
                child
            }
            Value::Array(items) => match key.parse::<usize>() {
                Ok(index) => {
                    if items.len() <= index {
                        items.resize(index + 1, Value::Null);
                    }
                    if last {
                        items[index] = value;
                        break;
                    }
                    &mut items[index]
                }
                // A named property of an array: invisible in its JSON.
                Err(_) => break,
            },
            _ => break,
        };
        if !matches!(next, Value::Object(_) | Value::Array(_)) {
            *next = Value::Object(Map::new());
        }
        slot = next;
    }
    root
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn plus_is_javascripts() {
        assert_eq!(plus(None, 1), json!(1));
        assert_eq!(plus(Some(&json!(null)), 100), json!(100));
        assert_eq!(plus(Some(&json!(4)), 1), json!(5));
        assert_eq!(plus(Some(&json!(1.5)), 1), json!(2.5));
        assert_eq!(plus(Some(&json!("5")), 1), json!("51"));
        assert_eq!(plus(Some(&json!("")), 1), json!(1));
        assert_eq!(plus(Some(&json!(true)), 1), json!(2));
        assert_eq!(plus(Some(&json!([1, [2, 3]])), 1), json!("1,2,31"));
        assert_eq!(plus(Some(&json!({"a": 1})), 1), json!("[object Object]1"));
    }

    #[test]
    fn set_path_creates_objects() {
        let path = |keys: &[&str]| keys.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        assert_eq!(
            set_path(None, &path(&["b", "c"]), json!(1)),
            json!({"b": {"c": 1}})
        );
        assert_eq!(
            set_path(Some(json!({"x": 0, "b": 5})), &path(&["b", "c"]), json!(1)),
            json!({"x": 0, "b": {"c": 1}})
        );
        assert_eq!(
            set_path(Some(json!(7)), &path(&["b"]), json!(2)),
            json!({"b": 2})
        );
        assert_eq!(
            set_path(Some(json!([0])), &path(&["2"]), json!(2)),
            json!([0, null, 2])
        );
    }
}
