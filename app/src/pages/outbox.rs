//! The outbox (marketing, admin): every email with its state, attempts and last error; failed or
//! cancelled ones can be sent again, queued ones cancelled, each opened as the guest sees it.
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::invitations::{get_outbox, CancelMail, RetryMail};
use crate::components::{general_error, use_lang};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let lang = use_lang();
    let retry = ServerAction::<RetryMail>::new();
    let cancel = ServerAction::<CancelMail>::new();
    let rows = Resource::new(
        move || (retry.version().get(), cancel.version().get()),
        |_| get_outbox(),
    );
    let problem = move || {
        [
            retry.value().get().and_then(|r| r.err()),
            cancel.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
        .and_then(|err| general_error(lang, &err))
    };
    view! {
        <Title text=tr!(lang, "outbox-title") />
        <h1>{tr!(lang, "outbox-title")}</h1>
        <p class="form-error" role="alert">{problem}</p>
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move { match rows.await {
                Err(err) => view! { <p class="form-error">{general_error(lang, &err)}</p> }.into_any(),
                Ok(rows) if rows.is_empty() => view! { <p class="empty-state">{tr!(lang, "outbox-empty")}</p> }.into_any(),
                Ok(rows) => view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{tr!(lang, "outbox-recipient")}</th>
                                    <th scope="col">{tr!(lang, "outbox-subject")}</th>
                                    <th scope="col">{tr!(lang, "outbox-state")}</th>
                                    <th scope="col">{tr!(lang, "outbox-attempts")}</th>
                                    <th scope="col">{tr!(lang, "outbox-error")}</th>
                                    <th scope="col">{tr!(lang, "outbox-next")}</th>
                                    <th scope="col"><span class="visually-hidden">{tr!(lang, "outbox-open")}</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|row| {
                                    let (id, id2) = (row.id.to_string(), row.id.to_string());
                                    view! {
                                        <tr>
                                            <td data-label=tr!(lang, "outbox-recipient")>{row.recipient.clone()}</td>
                                            <td data-label=tr!(lang, "outbox-subject")>
                                                <a href=format!("/outbox/{}/view", row.id) target="_blank" rel="noopener">{row.subject.clone()}</a>
                                            </td>
                                            <td data-label=tr!(lang, "outbox-state")>
                                                <span class=format!("chip chip-{}", row.state.as_str())>{crate::i18n::t(lang, row.state.label_id()).to_string()}</span>
                                            </td>
                                            <td data-label=tr!(lang, "outbox-attempts")>{row.attempts}</td>
                                            <td data-label=tr!(lang, "outbox-error")>{row.last_error.clone().unwrap_or_default()}</td>
                                            <td data-label=tr!(lang, "outbox-next")>{row.next_attempt.clone().or(row.sent.clone()).unwrap_or_default()}</td>
                                            <td>
                                                {row.state.can_retry().then(|| view! {
                                                    <ActionForm action=retry attr:class="inline-form">
                                                        <input type="hidden" name="id" value=id.clone() />
                                                        <button type="submit" class="button button-small">{tr!(lang, "outbox-retry")}</button>
                                                    </ActionForm>
                                                })}
                                                {row.state.can_cancel().then(|| view! {
                                                    <ActionForm action=cancel attr:class="inline-form">
                                                        <input type="hidden" name="id" value=id2.clone() />
                                                        <button type="submit" class="button button-small button-secondary">{tr!(lang, "outbox-cancel")}</button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }})}
        </Suspense>
    }
}
