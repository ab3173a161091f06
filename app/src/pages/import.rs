//! CSV import of contacts with their accounts: choose a file, see what would happen (nothing is
//! written yet), then confirm and watch the rows being written, or cancel.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::directory::{PreviewImport, StartImport};
use crate::api::dto::{ImportJobStatus, ImportPreview};
use crate::components::{general_error, use_lang, use_user};
use crate::domain::message_for;
use crate::error::AppError;
use crate::i18n::t;
use crate::pages::errors::ForbiddenView;

#[component]
pub fn ImportPage() -> impl IntoView {
    let lang = use_lang();
    let user = use_user();
    view! {
        <Title text=tr!(lang, "import-title") />
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) if crate::domain::can_create_directory(u.role) => {
                        view! { <Importer /> }.into_any()
                    }
                    Ok(Some(_)) => view! { <ForbiddenView /> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Importer() -> impl IntoView {
    let lang = use_lang();
    // the file's text stays in the browser between preview and confirmation
    let file_text = RwSignal::new(None::<String>);
    let file_name = RwSignal::new(String::new());
    let read_error = RwSignal::new(None::<String>);
    let preview = ServerAction::<PreviewImport>::new();
    let start = ServerAction::<StartImport>::new();
    let progress = RwSignal::new(None::<ImportJobStatus>);
    let poll_error = RwSignal::new(None::<AppError>);
    let input_ref = NodeRef::<leptos::html::Input>::new();

    let reset = move || {
        file_text.set(None);
        file_name.set(String::new());
        read_error.set(None);
        preview.clear();
        start.clear();
        progress.set(None);
        poll_error.set(None);
        if let Some(input) = input_ref.get_untracked() {
            input.set_value("");
        }
    };

    let on_file = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let Some(input) = input_ref.get_untracked() else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            preview.clear();
            start.clear();
            progress.set(None);
            read_error.set(None);
            file_name.set(file.name());
            if file.size() > crate::domain::MAX_IMPORT_BYTES as f64 {
                read_error.set(Some(tr!(
                    lang,
                    "import-too-large",
                    mb = crate::domain::MAX_IMPORT_BYTES / (1024 * 1024)
                )));
                return;
            }
            leptos::task::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(text) => match text.as_string() {
                        Some(text) => {
                            file_text.set(Some(text.clone()));
                            preview.dispatch(PreviewImport { csv: text });
                        }
                        None => read_error.set(Some(tr!(lang, "import-unreadable").to_string())),
                    },
                    Err(_) => read_error.set(Some(tr!(lang, "import-unreadable").to_string())),
                }
            });
        }
    };

    // once the server accepted the import, poll its progress until it is finished
    Effect::new(move |_| {
        if let Some(Ok(job_id)) = start.value().get() {
            poll(job_id, progress, poll_error);
        }
    });

    let confirm = move |_| {
        if let Some(text) = file_text.get_untracked() {
            start.dispatch(StartImport { csv: text });
        }
    };

    let file_problem = move || {
        if let Some(problem) = read_error.get() {
            return Some(problem);
        }
        match preview.value().get() {
            Some(Err(err)) => message_for(&err.field_errors(), "file")
                .map(|m| crate::i18n::word(lang, &m))
                .or_else(|| general_error(lang, &err)),
            _ => None,
        }
    };
    let start_problem = move || match (start.value().get(), poll_error.get()) {
        (Some(Err(err)), _) => message_for(&err.field_errors(), "file")
            .map(|m| crate::i18n::word(lang, &m))
            .or_else(|| general_error(lang, &err)),
        (_, Some(err)) => general_error(lang, &err),
        _ => None,
    };

    view! {
        <p class="breadcrumb">
            <a href="/contacts">{tr!(lang, "contacts-title")}</a>
        </p>
        <h1>{tr!(lang, "import-title")}</h1>
        <section class="card">
            <p>{tr!(lang, "import-intro")}</p>
            <p class="muted small">{tr!(lang, "import-columns")}</p>
            <noscript>
                <p class="notice">{tr!(lang, "import-needs-js")}</p>
            </noscript>
            <div class="field" class:invalid=move || file_problem().is_some()>
                <label for="import-file">{tr!(lang, "import-choose")}</label>
                <input
                    id="import-file"
                    type="file"
                    accept=".csv,text/csv,text/plain"
                    node_ref=input_ref
                    on:change=on_file
                    disabled=move || start.pending().get() || progress.get().is_some_and(|p| !p.finished)
                    aria-describedby="err-file"
                />
                <p class="field-error" id="err-file" role="alert">{file_problem}</p>
            </div>
            {move || {
                preview
                    .pending()
                    .get()
                    .then(|| view! { <p class="muted" role="status">{tr!(lang, "import-checking")}</p> })
            }}
        </section>
        {move || match (preview.value().get(), progress.get()) {
            (_, Some(p)) => view! { <ImportRun progress=p reset /> }.into_any(),
            (Some(Ok(result)), None) => {
                view! {
                    <PreviewView
                        preview=result
                        file_name=file_name.get_untracked()
                        confirm
                        reset
                        starting=start.pending()
                    />
                }
                    .into_any()
            }
            _ => ().into_any(),
        }}
        <p class="form-error" role="alert">{start_problem}</p>
    }
}

/// Asks the server for the job's progress every few hundred milliseconds until it is finished.
#[allow(unused_variables)]
fn poll(
    job_id: u64,
    progress: RwSignal<Option<ImportJobStatus>>,
    error: RwSignal<Option<AppError>>,
) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        match crate::api::directory::import_progress(job_id).await {
            Ok(now) => {
                let finished = now.finished;
                progress.set(Some(now));
                if !finished {
                    set_timeout(
                        move || poll(job_id, progress, error),
                        std::time::Duration::from_millis(300),
                    );
                }
            }
            Err(err) => error.set(Some(err)),
        }
    });
}

#[component]
fn Counts(preview: ImportPreview) -> impl IntoView {
    let lang = use_lang();
    let stat = move |key: &'static str, value: u64, class: &'static str| {
        view! {
            <div class=format!("stat {class}")>
                <span class="stat-value">{value}</span>
                <span class="stat-label">{t(lang, key)}</span>
            </div>
        }
    };
    view! {
        <div class="stats" data-testid="import-counts">
            {stat(k!("import-new"), preview.new, "stat-new")}
            {stat(k!("import-updated"), preview.updated, "stat-updated")}
            {stat(k!("import-unchanged"), preview.unchanged, "stat-unchanged")}
            {stat(k!("import-invalid"), preview.invalid, "stat-invalid")}
            {stat(k!("import-new-accounts"), preview.new_accounts, "stat-accounts")}
        </div>
    }
}

#[component]
fn PreviewView(
    preview: ImportPreview,
    file_name: String,
    confirm: impl Fn(leptos::ev::MouseEvent) + 'static,
    reset: impl Fn() + Copy + 'static,
    starting: Memo<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let writes = preview.new + preview.updated;
    let shown = preview.errors.len() as u64;
    view! {
        <section class="card" aria-labelledby="preview-title">
            <h2 id="preview-title">
                {tr!(lang, "import-preview")} <span class="muted small">" · " {file_name}</span>
            </h2>
            <p class="muted">{format!("{} {}", preview.rows, tr!(lang, "import-rows-read"))}</p>
            <Counts preview=preview.clone() />
            {(!preview.ignored_columns.is_empty())
                .then(|| {
                    view! {
                        <p class="muted small">
                            {tr!(lang, "import-ignored")} " " {preview.ignored_columns.join(", ")}
                        </p>
                    }
                })}
            {(!preview.errors.is_empty())
                .then(|| {
                    view! {
                        <h3>{tr!(lang, "import-problems")}</h3>
                        <p class="muted small">{tr!(lang, "import-problems-hint")}</p>
                        <div class="table-wrap import-errors">
                            <table class="table">
                                <caption class="table-count">
                                    {if preview.invalid > shown {
                                        format!("{}: {} ({} {})", tr!(lang, "import-problems-count"), shown, preview.invalid, tr!(lang, "import-invalid"))
                                    } else {
                                        format!("{}: {}", tr!(lang, "import-problems-count"), shown)
                                    }}
                                </caption>
                                <thead>
                                    <tr>
                                        <th scope="col" class="num">{tr!(lang, "import-line")}</th>
                                        <th scope="col">{tr!(lang, "import-column")}</th>
                                        <th scope="col">{tr!(lang, "import-problem")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {preview
                                        .errors
                                        .iter()
                                        .map(|e| {
                                            view! {
                                                <tr class="import-error">
                                                    <td class="num" data-label=tr!(lang, "import-line")>{e.line}</td>
                                                    <td data-label=tr!(lang, "import-column")><code>{e.column.clone()}</code></td>
                                                    <td data-label=tr!(lang, "import-problem")>{crate::i18n::word(lang, &e.message)}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                })}
            <div class="form-actions">
                {if writes > 0 {
                    view! {
                        <button
                            type="button"
                            class="button button-primary"
                            on:click=confirm
                            disabled=move || starting.get()
                        >
                            {format!("{} ({})", tr!(lang, "import-confirm"), writes)}
                        </button>
                    }
                        .into_any()
                } else {
                    view! { <p class="muted">{tr!(lang, "import-nothing")}</p> }.into_any()
                }}
                <button type="button" class="button button-quiet" on:click=move |_| reset()>
                    {tr!(lang, "import-cancel")}
                </button>
            </div>
            <p class="muted small">{tr!(lang, "import-nothing-yet")}</p>
        </section>
    }
}

#[component]
fn ImportRun(progress: ImportJobStatus, reset: impl Fn() + Copy + 'static) -> impl IntoView {
    let lang = use_lang();
    let percent = (progress.done * 100)
        .checked_div(progress.total)
        .unwrap_or(100);
    view! {
        <section class="card" aria-live="polite">
            {if progress.failed {
                view! {
                    <h2>{tr!(lang, "import-failed")}</h2>
                    <p>
                        {match &progress.error {
                            Some(crate::error::AppError::Conflict(why)) => {
                                format!("{} {why}", tr!(lang, "import-nothing-saved"))
                            }
                            Some(crate::error::AppError::Internal) => {
                                tr!(lang, "import-failed-internal").to_string()
                            }
                            _ => tr!(lang, "import-failed-text").to_string(),
                        }}
                    </p>
                }
                    .into_any()
            } else if let (true, Some(result)) = (progress.finished, progress.result.clone()) {
                view! {
                    <h2>{tr!(lang, "import-done")}</h2>
                    <Counts preview=result />
                    <div class="form-actions">
                        <a class="button button-primary" href="/contacts">{tr!(lang, "import-to-contacts")}</a>
                        <button type="button" class="button" on:click=move |_| reset()>
                            {tr!(lang, "import-another")}
                        </button>
                    </div>
                }
                    .into_any()
            } else {
                view! {
                    <h2>{tr!(lang, "import-writing")}</h2>
                    <progress class="progress" max=progress.total.max(1) value=progress.done>
                        {format!("{percent}%")}
                    </progress>
                    <p class="muted" role="status">
                        {format!("{} / {} {}", progress.done, progress.total, tr!(lang, "import-rows-written"))}
                    </p>
                }
                    .into_any()
            }}
        </section>
    }
}
