//! `shopbag-enrol FOLDER`: enrols a folder of product photos for visual search in one go — what
//! the staff page does one photo at a time. FOLDER holds one folder per product, named by the
//! product's id or one of its codes (the digits under a tag's barcode), with one to three JPEG
//! or PNG photos in each. Photos enrolled already are skipped, so it can be run again after
//! adding some. Prints a line per photo and how long embedding it took.

use clap::Parser;
use shopbag_api::visual::MOST_PHOTOS_PER_PRODUCT;
use shopbag_server::visual::{self, Photo};
use shopbag_server::{db, seed};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, Parser)]
#[command(
    name = "shopbag-enrol",
    version,
    about = "Enrols a folder of product photos for visual search"
)]
struct Args {
    /// One folder per product (its id or a code on its tag), holding its photos.
    folder: PathBuf,
    /// The database, as for shopbag-server.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/shopbag.db")]
    database_url: String,
    /// The converted weights, as for shopbag-server.
    #[arg(long, env = "SHOPBAG_VISION_MODEL", value_name = "FILE", default_value = shopbag_vision::MODEL_PATH)]
    vision_model: PathBuf,
}

/// A product's folder: the photo files in it, in name order.
fn photos_in(folder: &Path) -> std::io::Result<Vec<(PathBuf, &'static str)>> {
    let mut photos: Vec<_> = std::fs::read_dir(folder)?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let extension = path.extension()?.to_str()?.to_ascii_lowercase();
            let content_type = match extension.as_str() {
                "jpg" | "jpeg" => "image/jpeg",
                "png" => "image/png",
                _ => return None,
            };
            Some((path, content_type))
        })
        .collect();
    photos.sort();
    Ok(photos)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<ExitCode, shopbag_server::StartError> {
    let args = Args::parse();
    let pool = db::open(&args.database_url).await?;
    seed::seed_if_empty(&pool).await?;
    let writer = db::Writer::new(pool.clone());
    let model = visual::load(&args.vision_model)?.ok_or_else(|| {
        format!(
            "no model at {}: scripts/setup.sh converts it",
            args.vision_model.display()
        )
    })?;
    let vision = Some(model);
    let mut products: Vec<PathBuf> = std::fs::read_dir(&args.folder)?
        .filter_map(|entry| Some(entry.ok()?.path()).filter(|path| path.is_dir()))
        .collect();
    products.sort();
    let (mut enrolled, mut failed) = (0, 0);
    for folder in products {
        let name = folder
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let Some(product) = visual::product_named(&pool, &name).await? else {
            eprintln!("{name}: no product has this id or code");
            failed += 1;
            continue;
        };
        for (path, content_type) in photos_in(&folder)?
            .into_iter()
            .take(MOST_PHOTOS_PER_PRODUCT)
        {
            let file = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&path)?;
            if visual::enrolled_already(&pool, &product, &bytes).await? {
                println!("{product} {file}: enrolled already");
                continue;
            }
            let started = Instant::now();
            let photo = Photo {
                bytes: bytes.into(),
                content_type,
            };
            match visual::enrol(&pool, &writer, &vision, &product, photo).await {
                Ok(done) => {
                    let ms = started.elapsed().as_millis();
                    println!(
                        "{product} {file}: enrolled as photo {} in {ms} ms",
                        done.id.0
                    );
                    enrolled += 1;
                }
                Err(error) => {
                    eprintln!("{product} {file}: {}", error.body.message);
                    failed += 1;
                }
            }
        }
    }
    println!("{enrolled} photos enrolled, {failed} problems");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
