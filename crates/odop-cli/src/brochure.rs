//! `odop brochure`: prints a product, district or state brochure, a Sampark workshop's
//! report, a state's actions to review, its success stories, or a progress report of one
//! state's figures or every state's, to a PDF file.

use std::path::{Path, PathBuf};

use clap::Args;
use odop_brochure::{Fonts, Language, Options, Press, Subject, Template};
use odop_domain::{DistrictCode, Id, StateCode};
use odop_store::Store;

use crate::output::Out;

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("subject").required(true).args(["product", "district", "state", "workshop", "actions", "stories", "figures"])))]
pub(crate) struct BrochureArgs {
    /// One product, by id: an A4 page.
    #[arg(long)]
    product: Option<String>,
    /// Every product of a district, by LGD code.
    #[arg(long)]
    district: Option<u32>,
    /// A state's catalogue, by LGD code or name.
    #[arg(long)]
    state: Option<String>,
    /// A Sampark workshop's report, by id: the sellers met, the gaps heard, and their actions
    /// as they stand on `--today`.
    #[arg(long)]
    workshop: Option<String>,
    /// A state's actions still to do, by owner, for their review: by LGD code or name.
    #[arg(long, value_name = "STATE")]
    actions: Option<String>,
    /// With --actions: only this owner's actions, however they write its name (a District
    /// Industries Centre's own review).
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with_all = ["product", "district", "state", "workshop", "stories", "figures"]
    )]
    owner: Option<String>,
    /// A state's success stories as a booklet: by LGD code or name.
    #[arg(long, value_name = "STATE")]
    stories: Option<String>,
    /// A progress report: a state's figures (by LGD code or name) as they stand on `--today`,
    /// or, with no state, every state's side by side.
    #[arg(long, value_name = "STATE", num_args = 0..=1)]
    figures: Option<Option<String>>,
    /// The day printed, and the day overdue actions are judged on (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<odop_domain::Date>,
    /// en, hi or both.
    #[arg(long, default_value = "en")]
    lang: Language,
    /// The PDF file to write.
    #[arg(long)]
    out: PathBuf,
    /// The folder of product photos (default: `photos` in the data directory).
    #[arg(long)]
    photos: Option<PathBuf>,
    /// A Typst template (default: `brochure.typ`, or `workshop.typ` for a workshop's report, in
    /// the data directory, else the built-in one).
    #[arg(long)]
    template: Option<PathBuf>,
}

pub(crate) fn run(store: &Store, dir: &Path, args: &BrochureArgs, out: &Out) -> anyhow::Result<()> {
    let subject = subject(store, args)?;
    // A template given names the layout of what is printed; else each layout's own file in
    // the data directory, or the built-in one.
    let press = match &args.template {
        Some(path) => Press::with_templates(
            Fonts::system()?,
            vec![(subject.layout(), Template::load(path)?)],
        ),
        None => Press::for_data_dir(Fonts::system()?, dir)?,
    };
    let mut options = Options {
        photos: Some(args.photos.clone().unwrap_or_else(|| dir.join("photos"))),
        owner: args.owner.clone(),
        ..Options::new(args.lang)
    };
    if let Some(day) = args.today {
        options.date = day;
    }
    let proof = odop_brochure::proof(store, &press, subject, &options)?;
    let bytes = proof.save(&args.out)?;
    for note in &proof.notes {
        eprintln!("note: {note}");
    }
    out.wrote(
        &args.out,
        &serde_json::json!({
            "file": args.out,
            "pages": proof.pages(),
            "bytes": bytes,
            "notes": proof.notes,
        }),
        || {
            let pages = match proof.pages() {
                1 => "1 page".to_owned(),
                n => format!("{n} pages"),
            };
            format!(
                "wrote {} ({pages}, {} KB)",
                args.out.display(),
                bytes.div_ceil(1024)
            )
        },
    );
    Ok(())
}

fn subject(store: &Store, args: &BrochureArgs) -> anyhow::Result<Subject> {
    if let Some(id) = &args.product {
        let id: Id = id.parse().map_err(crate::fields::FieldError::Invalid)?;
        return Ok(Subject::Product(id));
    }
    if let Some(id) = &args.workshop {
        let id: Id = id.parse().map_err(crate::fields::FieldError::Invalid)?;
        return Ok(Subject::Workshop(id));
    }
    if let Some(code) = args.district {
        return Ok(Subject::District(DistrictCode(code)));
    }
    if let Some(state) = &args.actions {
        return Ok(Subject::Actions(state_code(store, state)?));
    }
    if let Some(state) = &args.stories {
        return Ok(Subject::Stories(state_code(store, state)?));
    }
    if let Some(state) = &args.figures {
        return Ok(Subject::Figures(match state {
            Some(state) => Some(state_code(store, state)?),
            None => None,
        }));
    }
    let state = args.state.as_deref().unwrap_or_default();
    Ok(Subject::State(state_code(store, state)?))
}

fn state_code(store: &Store, state: &str) -> anyhow::Result<StateCode> {
    match store.gazetteer()?.find_state(state) {
        Some(code) => Ok(code),
        None => match state.parse::<u16>() {
            // A code the gazetteer lacks: let the brochure say it is not in the LGD list.
            Ok(code) => Ok(StateCode(code)),
            Err(_) => anyhow::bail!("no state is named {state:?}; give its LGD code or name"),
        },
    }
}
