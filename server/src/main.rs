//! `tandem`: a thin entry point over the `server` library.
use app::domain::{NewUser, NewUserInput};
use app::ssr::{db, services::ProfileService, services::UserService};
use clap::Parser;
use server::cli::{read_password, Cli, Command, ServeArgs, UserCommand};
use server::{init_tracing, Application};

// four workers whatever the core count: Leptos SSR can stall a Suspense whose resource
// resolves while every worker is busy (leptos-rs/leptos#4647; seen here as a rare hung test
// request on a single-threaded test runtime)
/// mimalloc instead of glibc's malloc: see docs/performance.md ("The server's hot paths").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.common.log_json);
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        None => serve(ServeArgs::parse_from_env(), &cli.common).await,
        Some(Command::Serve(args)) => serve(args, &cli.common).await,
        Some(Command::Migrate) => {
            let db = db::connect(&cli.common.database_url).await?;
            db::migrate(&db).await?;
            println!("Database is up to date.");
            Ok(())
        }
        Some(Command::User(UserCommand::SetPassword { email })) => {
            let password = read_password()?;
            let db = db::connect(&cli.common.database_url).await?;
            db::migrate(&db).await?;
            let name = ProfileService::set_password(&db, &email, password)
                .await
                .map_err(|e| match e {
                    app::error::AppError::NotFound => format!("No user has the email {email}."),
                    app::error::AppError::Validation(errors) => errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.message))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    other => other.to_string(),
                })?;
            println!("Set the password of {name} <{email}>; their sessions have ended.");
            Ok(())
        }
        Some(Command::User(UserCommand::Add { email, name, role })) => {
            let password = read_password()?;
            let new = NewUser::parse(&NewUserInput {
                email,
                name,
                role,
                password,
            })
            .map_err(|errors| {
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
            let db = db::connect(&cli.common.database_url).await?;
            db::migrate(&db).await?;
            let user = UserService::create(&db, new).await.map_err(|e| match e {
                app::error::AppError::Validation(errors)
                | app::error::AppError::Retype { errors, .. } => errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("\n"),
                other => other.to_string(),
            })?;
            println!(
                "Added {} <{}> as {}.",
                user.name,
                user.email,
                user.role.as_str()
            );
            Ok(())
        }
    }
}

trait FromEnv {
    fn parse_from_env() -> Self;
}

impl FromEnv for ServeArgs {
    /// `tandem` without a subcommand serves, taking its settings from the environment.
    fn parse_from_env() -> Self {
        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            serve: ServeArgs,
        }
        Only::parse_from(["tandem"]).serve
    }
}

async fn serve(
    args: ServeArgs,
    common: &server::cli::Common,
) -> Result<(), Box<dyn std::error::Error>> {
    let settings = args.settings(common);
    tracing::info!(?settings, "starting");
    let app = Application::build(settings.clone()).await?;
    let port = app.port();
    let host = settings
        .addr
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or("127.0.0.1");
    println!("Tandem is running at http://{host}:{port}");
    if settings.seed_demo {
        if app.seeded {
            println!("Demo data was created.");
        }
        println!(
            "Sign in with one of the demo users (password: {}):",
            app::ssr::seed::DEMO_PASSWORD
        );
        for (email, _, role) in app::ssr::seed::DEMO_USERS {
            println!("  {:<22} {}", email, role.as_str());
        }
        for (email, _) in app::ssr::seed::MORE_REPS {
            println!("  {:<22} sales (more reps, with past events)", email);
        }
    }
    app.run_until_stopped().await?;
    Ok(())
}
