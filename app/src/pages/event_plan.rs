//! Shared goals with live progress bars, and the event's task checklist.
use leptos::prelude::*;

use crate::api::dto::{GoalRow, TaskListDto, TaskRow};
use crate::api::plan::{get_goals, get_tasks, AddTask, ProposeGoal, SetTaskDone};
use crate::components::{
    action_field_errors, action_message, general_error, use_lang, use_user, SelectField, TextField,
    Typed,
};
use crate::domain::{GoalMetric, Role, Team};
use crate::error::AppError;
use crate::i18n::{t, Lang};

pub fn team_key(team: Team) -> &'static str {
    match team {
        Team::Marketing => k!("role-marketing"),
        Team::Sales => k!("role-sales"),
    }
}

fn format_amount(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn goal_numbers(goal: &GoalRow) -> String {
    match goal.metric {
        GoalMetric::ShowRate => format!("{}% / {}%", goal.value, goal.target),
        GoalMetric::PipelineAmount => {
            format!(
                "{} / {}",
                format_amount(goal.value),
                format_amount(goal.target)
            )
        }
        _ => format!("{} / {}", goal.value, goal.target),
    }
}

/// The goals section's list and form. The event page creates it where the page starts, outside
/// its `Suspense` (see `pages::event::EventPage`).
#[derive(Clone, Copy)]
pub struct GoalsData {
    propose: ServerAction<ProposeGoal>,
    goals: Resource<Result<Vec<GoalRow>, AppError>>,
}

impl GoalsData {
    pub fn new(event_id: Signal<i32>) -> Self {
        let propose = ServerAction::<ProposeGoal>::new();
        let goals = Resource::new(
            move || (event_id.get(), propose.version().get()),
            |(event_id, _)| get_goals(event_id),
        );
        Self { propose, goals }
    }
}

#[component]
pub fn GoalsSection(event_id: i32, data: GoalsData) -> impl IntoView {
    let lang = use_lang();
    let GoalsData { propose, goals } = data;
    let user = use_user();
    let errors = action_field_errors(propose.value());
    let general = action_message(lang, propose.value());
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = propose.value().get() {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    let metrics = GoalMetric::ALL
        .iter()
        .map(|m| (m.as_str().to_string(), t(lang, m.label_key()).to_string()))
        .collect::<Vec<_>>();
    let teams = vec![
        (
            "marketing".to_string(),
            tr!(lang, "role-marketing").to_string(),
        ),
        ("sales".to_string(), tr!(lang, "role-sales").to_string()),
    ];
    view! {
        <section class="card" id="goals">
            <h2>{tr!(lang, "goals-title")}</h2>
            <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
                {move || Suspend::new(async move {
                    match goals.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">{tr!(lang, "goals-empty")}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="goals">
                                {list.iter().map(|g| goal_view(lang, g)).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <p class="form-error">{general_error(lang, &err)}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || {
                    let metrics = metrics.clone();
                    let teams = teams.clone();
                    Suspend::new(async move {
                        let can = matches!(user.await, Ok(Some(u)) if u.role != Role::Manager);
                        let my_team = match user.get_untracked() {
                            Some(Ok(Some(u))) if u.role == Role::Sales => "sales",
                            _ => "marketing",
                        };
                        // a refused plain post comes back with the form open and what was typed
                        let typed = Typed::of(propose.value().get_untracked());
                        let refused = typed != Typed::default();
                        can.then(|| view! {
                            <details class="propose" open=refused>
                                <summary>{tr!(lang, "goals-propose")}</summary>
                                <ActionForm action=propose node_ref=form attr:class="form">
                                    <input type="hidden" name="event_id" value=event_id />
                                    <div class="form-row">
                                        <SelectField label=tr!(lang, "goals-metric") name="input[metric]" field="metric" errors options=metrics.clone() value=typed.value("input[metric]", "") />
                                        <TextField label=tr!(lang, "goals-target") name="input[target]" field="target" errors input_type="number" value=typed.value("input[target]", "") />
                                        <SelectField label=tr!(lang, "goals-team") name="input[team]" field="team" errors options=teams.clone() value=typed.value("input[team]", my_team) />
                                    </div>
                                    <TextField label=tr!(lang, "goals-note") name="input[note]" field="note" errors value=typed.value("input[note]", "") />
                                    <p class="form-error" role="alert">{general}</p>
                                    <button type="submit" class="button button-primary" disabled=move || propose.pending().get()>
                                        {tr!(lang, "goals-submit")}
                                    </button>
                                </ActionForm>
                            </details>
                        })
                    })
                }}
            </Suspense>
        </section>
    }
}

fn goal_view(lang: Lang, goal: &GoalRow) -> impl IntoView {
    let reached = goal.percent >= 100;
    view! {
        <li class="goal">
            <div class="goal-head">
                <strong>{t(lang, goal.metric.label_key())}</strong>
                <span class="chip">{t(lang, team_key(goal.team))}</span>
                <span class="goal-numbers">{goal_numbers(goal)}</span>
            </div>
            <div
                class="bar"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=goal.percent
                aria-label=t(lang, goal.metric.label_key())
            >
                <div class="bar-fill" class:done=reached style=format!("width: {}%", goal.percent)></div>
            </div>
            <div class="muted small">
                {goal.note.clone()}
                {(!goal.note.is_empty()).then_some(" · ")}
                {tr!(lang, "goals-proposed-by")} " " {goal.proposed_by.clone()}
            </div>
        </li>
    }
}

/// The task checklist and its forms, created where the event page starts (like `GoalsData`).
#[derive(Clone, Copy)]
pub struct TasksData {
    add: ServerAction<AddTask>,
    toggle: ServerAction<SetTaskDone>,
    tasks: Resource<Result<TaskListDto, AppError>>,
}

impl TasksData {
    pub fn new(event_id: Signal<i32>) -> Self {
        let add = ServerAction::<AddTask>::new();
        let toggle = ServerAction::<SetTaskDone>::new();
        let tasks = Resource::new(
            move || (event_id.get(), add.version().get(), toggle.version().get()),
            |(event_id, ..)| get_tasks(event_id),
        );
        Self { add, toggle, tasks }
    }
}

#[component]
pub fn TasksSection(event_id: i32, data: TasksData) -> impl IntoView {
    let lang = use_lang();
    let TasksData { add, toggle, tasks } = data;
    view! {
        <section class="card" id="tasks">
            <h2>{tr!(lang, "tasks-title")}</h2>
            <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
                {move || Suspend::new(async move {
                    match tasks.await {
                        Ok(dto) => view! { <TaskListView dto event_id add toggle /> }.into_any(),
                        Err(err) => view! { <p class="form-error">{general_error(lang, &err)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn TaskListView(
    dto: TaskListDto,
    event_id: i32,
    add: ServerAction<AddTask>,
    toggle: ServerAction<SetTaskDone>,
) -> impl IntoView {
    let lang = use_lang();
    let errors = action_field_errors(add.value());
    let general = action_message(lang, add.value());
    let toggle_error = action_message(lang, toggle.value());
    // a refused plain post comes back with the form open and what was typed
    let typed = Typed::of(add.value().get_untracked());
    let refused = typed != Typed::default();
    let people = dto
        .people
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect::<Vec<_>>();
    let teams = vec![
        (
            "marketing".to_string(),
            tr!(lang, "role-marketing").to_string(),
        ),
        ("sales".to_string(), tr!(lang, "role-sales").to_string()),
    ];
    view! {
        <p class="form-error" role="alert">{toggle_error}</p>
        {if dto.tasks.is_empty() {
            view! { <p class="muted">{tr!(lang, "tasks-empty")}</p> }.into_any()
        } else {
            view! {
                <ul class="tasks">
                    {dto.tasks.iter().map(|task| task_view(lang, task, toggle, false)).collect_view()}
                </ul>
            }.into_any()
        }}
        {dto.can_add.then(|| view! {
            <details class="propose" open=refused>
                <summary>{tr!(lang, "tasks-add")}</summary>
                <ActionForm action=add attr:class="form">
                    <input type="hidden" name="event_id" value=event_id />
                    <TextField label=tr!(lang, "tasks-task") name="input[title]" field="title" errors value=typed.value("input[title]", "") />
                    <div class="form-row">
                        <SelectField label=tr!(lang, "tasks-owner") name="input[owner_id]" field="owner_id" errors options=people.clone() value=typed.value("input[owner_id]", "") />
                        <SelectField label=tr!(lang, "tasks-team") name="input[team]" field="team" errors options=teams.clone() value=typed.value("input[team]", "") />
                        <TextField label=tr!(lang, "tasks-due") name="input[due_on]" field="due_on" errors input_type="date" value=typed.value("input[due_on]", "") />
                    </div>
                    <p class="form-error" role="alert">{general}</p>
                    <button type="submit" class="button button-primary" disabled=move || add.pending().get()>
                        {tr!(lang, "tasks-submit")}
                    </button>
                </ActionForm>
            </details>
        })}
    }
}

/// One task line; `with_event` names the event (home page).
pub fn task_view(
    lang: Lang,
    task: &TaskRow,
    toggle: ServerAction<SetTaskDone>,
    with_event: bool,
) -> impl IntoView {
    let task = task.clone();
    let (id, done, title) = (task.id, task.done, task.title.clone());
    view! {
        <li class="task" class:done=task.done class:overdue=task.overdue>
            {task.can_toggle.then(move || view! {
                <ActionForm action=toggle attr:class="inline-form">
                    <input type="hidden" name="task_id" value=id />
                    <input type="hidden" name="done" value=(!done).to_string() />
                    <button
                        type="submit"
                        class="check"
                        aria-label=format!("{} {}", t(lang, if done { k!("tasks-reopen") } else { k!("tasks-mark-done") }), title)
                        aria-pressed=done.to_string()
                    >
                        {if done { "✓" } else { "" }}
                    </button>
                </ActionForm>
            })}
            <div class="task-body">
                <span class="task-title">{task.title.clone()}</span>
                <div class="muted small">
                    {with_event.then(|| view! { <a href=format!("/events/{}#tasks", task.event_id)>{task.event_title.clone()}</a> " · " })}
                    {task.owner_name.clone()} " · " {t(lang, team_key(task.team))}
                    {task.due_on.clone().map(|d| view! { " · " <span class="due">{tr!(lang, "tasks-due-short")} " " {d}</span> })}
                    {task.overdue.then(|| view! { " " <span class="chip chip-overdue">{tr!(lang, "tasks-overdue")}</span> })}
                </div>
            </div>
        </li>
    }
}
