//! One declaration per constraint of a request body, read by both the
//! check and the OpenAPI document.
//!
//! `#[bantin_macros::constrained]` on an input struct (above its derives)
//! turns each field's `#[check(…)]` into the `validator` attribute that
//! enforces it and the `utoipa` attribute that documents it:
//!
//! | `#[check(…)]` | enforced by `Validate` | documented as |
//! |---|---|---|
//! | `chars(max = N)`, `chars(min = M, max = N)` | `length(…)`: characters as sent | `maxLength: N` |
//! | `items(max = N)` | at most N items (the items are checked by the caller, `check_declared_in` each) | `maxItems: N` |
//! | `not_blank` | something besides blanks (else `required`) | a pattern |
//! | `slug`, `email`, `optional_email`, `phone`, `url`, `optional_url`, `username`, `visible_ascii` | the shape, with its own most characters | a pattern (and `maxLength`) |
//! | `required_on_create` | `Constrained::missing_on_create` | `required` of the `…Create` schema |
//!
//! It also implements `crate::http::input::Constrained`: the fields in
//! order as clients name them (so errors are reported in the order a form
//! shows them, and under `#[serde(rename)]`'s name, not the Rust one) and
//! what creating requires. The rules' functions are in `crate::http::rules`; the
//! patterns that document them are here, in [`pattern`], because a
//! `#[schema(pattern = …)]` takes a literal.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{parse_macro_input, Data, DeriveInput, Expr, Fields, Lit, Meta, Token};

/// Characters that count as blank (see `http::input::is_blank`): control
/// characters, whitespace and the byte-order mark.
const BLANK: &str = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

/// The pattern that documents a rule, and the most characters it allows.
fn rule(name: &str) -> Option<(String, Option<u64>)> {
    let email = format!(r"[^@{BLANK}]+@[^@{BLANK}.][^@{BLANK}]*\.[^@{BLANK}]*[^@{BLANK}.]");
    let unsafe_chars = format!(r#"{BLANK}"'\\<>`"#);
    let url = format!(r"/|/[^{unsafe_chars}/][^{unsafe_chars}]*|https?://[^{unsafe_chars}/][^{unsafe_chars}]*");
    Some(match name {
        "not_blank" => (format!(r"^[^\x00]*[^{BLANK}][^\x00]*$"), None),
        "email" => (format!("^{email}$"), Some(254)),
        "optional_email" => (format!("^(|{email})$"), Some(254)),
        "phone" => (r"^(|\+?(?:[ .()\-]*[0-9]){6,20}[ .()\-]*)$".to_string(), Some(50)),
        "url" => (format!("^(?:{url})$"), Some(2000)),
        "optional_url" => (format!("^(?:|{url})$"), Some(2000)),
        // Lowercase words joined by single hyphens, not only digits (no
        // look-around, which some clients' regex engines lack).
        "slug" => (
            r"^(?:[0-9]*[a-z][a-z0-9]*|[a-z0-9]+(?:-[a-z0-9]+)+)$".to_string(),
            Some(200),
        ),
        "username" => ("^[a-z0-9._-]*$".to_string(), None),
        "visible_ascii" => ("^[!-~]*$".to_string(), None),
        _ => return None,
    })
}

/// The pattern a rule is documented with, as a string literal:
/// `pattern!(not_blank)`.
#[proc_macro]
pub fn pattern(input: TokenStream) -> TokenStream {
    let name = input.to_string();
    match rule(name.trim()) {
        Some((pattern, _)) => quote!(#pattern).into(),
        None => error(proc_macro2::Span::call_site(), &format!("no rule `{name}`")).into(),
    }
}

fn error(span: proc_macro2::Span, message: &str) -> Tokens {
    syn::Error::new(span, message).to_compile_error()
}

fn number(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(int) => int.base10_parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// `min = 1, max = 300` inside `chars(…)` or `items(…)`.
fn bounds(list: &syn::MetaList) -> syn::Result<(Option<u64>, u64)> {
    let args = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(list.tokens.clone())?;
    let (mut min, mut max) = (None, None);
    for arg in args {
        let Meta::NameValue(nv) = &arg else {
            return Err(syn::Error::new_spanned(arg, "expected `min = N` or `max = N`"));
        };
        let value = number(&nv.value).ok_or_else(|| syn::Error::new_spanned(&nv.value, "expected a number"))?;
        if nv.path.is_ident("min") {
            min = Some(value);
        } else if nv.path.is_ident("max") {
            max = Some(value);
        } else {
            return Err(syn::Error::new_spanned(&nv.path, "expected `min` or `max`"));
        }
    }
    let max = max.ok_or_else(|| syn::Error::new_spanned(list, "a bound needs `max`"))?;
    Ok((min, max))
}

/// A number as the attributes take it (`300`, not `300u64`).
fn unsuffixed(n: u64) -> proc_macro2::Literal {
    proc_macro2::Literal::u64_unsuffixed(n)
}

/// What one field's `#[check(…)]` attributes declare.
#[derive(Default)]
struct Declared {
    validate: Vec<Tokens>,
    schema: Vec<Tokens>,
    required_on_create: bool,
}

fn declare(field: &mut syn::Field) -> syn::Result<Declared> {
    let mut out = Declared::default();
    let mut kept = Vec::new();
    for attr in field.attrs.drain(..) {
        if !attr.path().is_ident("check") {
            kept.push(attr);
            continue;
        }
        let checks = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
        for check in checks {
            match &check {
                Meta::List(list) if list.path.is_ident("chars") || list.path.is_ident("items") => {
                    let (min, max) = bounds(list)?;
                    let (min, max) = (min.map(unsuffixed), unsuffixed(max));
                    if list.path.is_ident("chars") {
                        if let Some(min) = &min {
                            out.schema.push(quote!(min_length = #min));
                        }
                        let min = min.map(|m| quote!(min = #m,));
                        out.validate.push(quote!(length(#min max = #max)));
                        out.schema.push(quote!(max_length = #max));
                    } else {
                        // Counted without `length`, which would copy the
                        // list into its error (and need it serialisable).
                        out.validate
                            .push(quote!(custom(function = crate::http::rules::at_most::<#max, _>)));
                        out.schema.push(quote!(max_items = #max));
                    }
                }
                Meta::Path(path) if path.is_ident("required_on_create") => out.required_on_create = true,
                Meta::Path(path) => {
                    let name = path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                    let Some((pattern, most)) = rule(&name) else {
                        return Err(syn::Error::new_spanned(path, "no such check"));
                    };
                    out.validate.push(quote!(custom(function = crate::http::rules::#path)));
                    out.schema.push(quote!(pattern = #pattern));
                    if let Some(most) = most.map(unsuffixed) {
                        out.schema.push(quote!(max_length = #most));
                    }
                }
                other => return Err(syn::Error::new_spanned(other, "no such check")),
            }
        }
    }
    field.attrs = kept;
    Ok(out)
}

/// See the crate's documentation.
#[proc_macro_attribute]
pub fn constrained(_args: TokenStream, item: TokenStream) -> TokenStream {
    let mut input = parse_macro_input!(item as DeriveInput);
    match expand(&mut input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand(input: &mut DeriveInput) -> syn::Result<Tokens> {
    let name = input.ident.clone();
    let Data::Struct(data) = &mut input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "constraints are declared on a struct",
        ));
    };
    let Fields::Named(fields) = &mut data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "constraints are declared on named fields",
        ));
    };
    let (mut order, mut idents, mut required) = (Vec::new(), Vec::new(), Vec::new());
    for field in fields.named.iter_mut() {
        let ident = field.ident.clone().expect("a named field");
        // What serde calls the field (`#[serde(rename = "type")]`).
        let mut wire = ident.to_string().trim_start_matches("r#").to_string();
        for attr in &field.attrs {
            if attr.path().is_ident("serde") {
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        if let Ok(Lit::Str(s)) = meta.value().and_then(|v| v.parse::<Lit>()) {
                            wire = s.value();
                        }
                    } else if meta.input.peek(Token![=]) {
                        let _ = meta.value().and_then(|v| v.parse::<Expr>());
                    }
                    Ok(())
                });
            }
        }
        let declared = declare(field)?;
        if !declared.validate.is_empty() {
            let v = &declared.validate;
            field.attrs.push(syn::parse_quote!(#[validate(#(#v),*)]));
        }
        if !declared.schema.is_empty() {
            let s = &declared.schema;
            field.attrs.push(syn::parse_quote!(#[schema(#(#s),*)]));
        }
        idents.push(ident.to_string());
        if declared.required_on_create {
            required.push((ident, wire.clone()));
        }
        order.push(wire);
    }
    input.attrs.push(syn::parse_quote!(#[derive(::validator::Validate)]));
    let missing = required
        .iter()
        .map(|(ident, wire)| quote!(if self.#ident.is_none() { missing.push(#wire); }));
    let required_names = required.iter().map(|(_, wire)| wire);
    Ok(quote! {
        #input

        impl crate::http::input::Constrained for #name {
            const FIELDS: &'static [&'static str] = &[#(#order),*];
            const IDENTS: &'static [&'static str] = &[#(#idents),*];
            const REQUIRED_ON_CREATE: &'static [&'static str] = &[#(#required_names),*];

            fn missing_on_create(&self) -> Vec<&'static str> {
                #[allow(unused_mut)]
                let mut missing = Vec::new();
                #(#missing)*
                missing
            }
        }
    })
}
