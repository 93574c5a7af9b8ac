//! The house rules that keep the crate easy to change, checked on its
//! source (docs/architecture.md explains them):
//!
//! - no import cycle between the top-level modules of `src/`, so the
//!   pipeline reads as data flowing one way;
//! - `serde_yaml` is named only inside `src/yaml/`;
//! - only `src/term.rs` writes to the terminal.
//!
//! Code is read as text: comments and the `#[cfg(test)]` modules at the end
//! of files are left out, and every `crate::name` counts as a use of the
//! module `name`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file below `src/`, with its path relative to `src/`.
fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(&src).unwrap();
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.push((rel, code_of(&std::fs::read_to_string(&path).unwrap())));
            }
        }
    }
    out.sort();
    out
}

/// The code of a file: without comments and without its test module.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            // a `//` inside a string (a URL) cuts the line short, which
            // can only hide a use, never invent one
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module a file belongs to: `render` for
/// `render/views/partner.rs`; `None` for the crate root and the binary.
fn module_of(rel: &str) -> Option<String> {
    let first = rel.split('/').next()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// The modules `code` names through `crate::`, in paths and in
/// `use crate::{a, b::c}` groups.
fn uses(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = code[at + "crate::".len()..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            // the names at the group's top level
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if c.is_whitespace() => {}
                    _ if start && depth == 0 => {
                        out.insert(ident(&group[i..]));
                        start = false;
                    }
                    _ => start = false,
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// Which top-level modules each top-level module uses.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources();
    let modules: BTreeSet<String> = files.iter().filter_map(|(r, _)| module_of(r)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, code) in &files {
        let Some(module) = module_of(rel) else {
            continue;
        };
        let used: Vec<String> = uses(code)
            .into_iter()
            .filter(|m| *m != module && modules.contains(m))
            .collect();
        graph.entry(module).or_default().extend(used);
    }
    graph
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = path.iter().position(|n| n == node).unwrap();
                let mut cycle = path[from..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_string(), Mark::Open);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut marks, &mut Vec::new()))
}

fn show(graph: &BTreeMap<String, BTreeSet<String>>) -> String {
    graph
        .iter()
        .map(|(m, uses)| {
            format!(
                "  {m} -> {}",
                Vec::from_iter(uses.iter().cloned()).join(" ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = module_graph();
    assert!(
        graph.len() > 10 && graph["render"].contains("site"),
        "the source was not read as expected:\n{}",
        show(&graph)
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle: {}\nmove what both need into a module below them \
             (docs/architecture.md shows the layers)\n{}",
            cycle.join(" -> "),
            show(&graph)
        );
    }
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("site", &["config"][..]),
        ("config", &["walk"]),
        ("walk", &["config"]),
    ]
    .into_iter()
    .map(|(m, uses)| (m.to_string(), uses.iter().map(|u| u.to_string()).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["config".into(), "walk".into(), "config".into()])
    );
    assert_eq!(
        uses("use crate::{a, b::{c, d}, e::f};\nlet x = crate::g::h();"),
        ["a", "b", "e", "g"].map(String::from).into()
    );
}

#[test]
fn serde_yaml_is_named_only_in_the_yaml_modules() {
    let outside: Vec<String> = sources()
        .into_iter()
        .filter(|(rel, code)| !rel.starts_with("yaml/") && code.contains("serde_yaml"))
        .map(|(rel, _)| rel)
        .collect();
    assert!(
        outside.is_empty(),
        "serde_yaml used in {outside:?}: take Value, Mapping or a function from crate::yaml"
    );
}

#[test]
fn only_term_writes_to_the_terminal() {
    let printing = [
        "println!",
        "eprintln!",
        "print!",
        "eprint!",
        "dbg!",
        "io::stdout()",
        "io::stderr()",
    ];
    let mut found = Vec::new();
    for (rel, code) in sources() {
        if rel == "term.rs" {
            continue;
        }
        for p in printing {
            // `print!` is also the end of `eprint!`, and `println!` of
            // `eprintln!`: both are printing either way
            if code.contains(p) {
                found.push(format!("{rel}: {p}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "writes to the terminal outside src/term.rs: {found:?}; use term::print, term::status or term::error"
    );
}
