//! The drain of a page-token report declared with `split_days`: one request per window
//! of the range (each built by the tool's request builder from the arguments with that
//! window's dates), drained in order and concatenated by `runtime::split`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::RangeSplit;
use crate::names::field_ident;

/// `let data = …;` for the client method of a split report whose builder is `builder`
/// and whose items are `item` (both already idents in scope of the emitter).
pub fn drain(rt: &TokenStream, split: &RangeSplit, builder: &TokenStream, item: &TokenStream) -> TokenStream {
    let start: proc_macro2::Ident = syn_ident(&field_ident(&split.start));
    let end: proc_macro2::Ident = syn_ident(&field_ident(&split.end));
    let days = proc_macro2::Literal::u32_unsuffixed(split.days);
    quote! {
        // The whole range was checked by `request`; each window builds its own.
        let _ = request;
        let data = #rt::split::drain_page_token_split::<#item, _>(
            &self.http,
            args.#start,
            args.#end,
            #days,
            |first, last| {
                let mut window = args.clone();
                window.#start = first;
                window.#end = last;
                super::requests::#builder(&window)
            },
        )
        .await?;
    }
}

fn syn_ident(name: &str) -> proc_macro2::Ident {
    let span = proc_macro2::Span::call_site();
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, span),
        None => proc_macro2::Ident::new(name, span),
    }
}
