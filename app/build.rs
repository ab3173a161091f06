//! Checks the translations at build time and lists their message ids for the `tr!` macro.
//!
//! Both `locales/en.ftl` and `locales/de.ftl` must parse, hold the same messages, and use the same
//! variables in each message; otherwise the build fails naming the message. The ids are written to
//! `$OUT_DIR/i18n_ids.rs`, sorted, so `tr!(lang, "id")` can refuse an unknown id at compile time.
use fluent_syntax::ast::{self, Entry, Expression, InlineExpression, PatternElement};
use std::collections::{BTreeMap, BTreeSet};

const LANGUAGES: [&str; 2] = ["en", "de"];

fn variables_of_pattern(pattern: &ast::Pattern<&str>, into: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            variables_of_expression(expression, into);
        }
    }
}

fn variables_of_expression(expression: &Expression<&str>, into: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => variables_of_inline(inline, into),
        Expression::Select { selector, variants } => {
            variables_of_inline(selector, into);
            for variant in variants {
                variables_of_pattern(&variant.value, into);
            }
        }
    }
}

fn variables_of_inline(inline: &InlineExpression<&str>, into: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            into.insert(id.name.to_string());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                variables_of_inline(argument, into);
            }
        }
        InlineExpression::Placeable { expression } => variables_of_expression(expression, into),
        _ => {}
    }
}

/// Message id → the variables it uses.
fn messages(language: &str) -> BTreeMap<String, BTreeSet<String>> {
    let path = format!("locales/{language}.ftl");
    println!("cargo:rerun-if-changed={path}");
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let resource = fluent_syntax::parser::parse(source.as_str()).unwrap_or_else(|(_, errors)| {
        let first = &errors[0];
        let line = source[..first.pos.start].lines().count() + 1;
        panic!("{path}:{line}: {:?}", first.kind)
    });
    let mut found = BTreeMap::new();
    for entry in &resource.body {
        if let Entry::Message(message) = entry {
            let mut variables = BTreeSet::new();
            if let Some(value) = &message.value {
                variables_of_pattern(value, &mut variables);
            }
            let id = message.id.name.to_string();
            if found.insert(id.clone(), variables).is_some() {
                panic!("{path}: message {id} is defined twice");
            }
        }
    }
    found
}

fn main() {
    let english = messages(LANGUAGES[0]);
    for language in &LANGUAGES[1..] {
        let other = messages(language);
        for (id, variables) in &english {
            match other.get(id) {
                None => panic!("locales/{language}.ftl has no message {id} (en.ftl has)"),
                Some(theirs) if theirs != variables => panic!(
                    "message {id} uses {variables:?} in en.ftl but {theirs:?} in {language}.ftl"
                ),
                Some(_) => {}
            }
        }
        if let Some(id) = other.keys().find(|id| !english.contains_key(*id)) {
            panic!("locales/{language}.ftl has message {id}, which en.ftl lacks");
        }
    }
    let ids: Vec<String> = english.keys().map(|id| format!("{id:?}")).collect();
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("i18n_ids.rs");
    std::fs::write(
        out,
        format!(
            "/// Every message id in locales/*.ftl, sorted.\npub const IDS: &[&str] = &[{}];\n",
            ids.join(", ")
        ),
    )
    .unwrap();
}
