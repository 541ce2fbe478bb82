//! `decode [--mode live|thorough] FILE…`: reads codes in PNG, JPEG and WebP photos with the same
//! code the app's decoder worker runs, and prints one JSON object per file per line.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::run(std::env::args().skip(1).collect()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use serde_json::json;
    use shopbag_scanner::{Frame, Mode, Scanner};

    const USAGE: &str = "usage: decode [--mode live|thorough] FILE…";

    /// Exit status: 0 when every file was read (found or not), 1 when a file could not be
    /// opened, 2 for a bad command line.
    pub fn run(args: Vec<String>) -> i32 {
        let mut mode = Mode::Thorough;
        let mut files = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--mode" => match args.next().as_deref() {
                    Some("live") => mode = Mode::Live,
                    Some("thorough") => mode = Mode::Thorough,
                    _ => return usage("--mode takes live or thorough"),
                },
                "-h" | "--help" => {
                    println!("{USAGE}");
                    return 0;
                }
                flag if flag.starts_with("--") => return usage(&format!("unknown option {flag}")),
                _ => files.push(arg),
            }
        }
        if files.is_empty() {
            return usage("no files given");
        }
        let mut scanner = Scanner::new();
        let mut status = 0;
        for file in files {
            let line = match load(&file) {
                Ok(frame) => match scanner.scan(&frame, mode) {
                    Some(code) => {
                        json!({"file": file, "format": code.format.as_str(), "text": code.text})
                    }
                    None => json!({"file": file, "format": null}),
                },
                Err(error) => {
                    status = 1;
                    json!({"file": file, "format": null, "error": error})
                }
            };
            println!("{line}");
        }
        status
    }

    fn usage(problem: &str) -> i32 {
        eprintln!("decode: {problem}\n{USAGE}");
        2
    }

    fn load(file: &str) -> Result<Frame, String> {
        let image = image::ImageReader::open(file)
            .map_err(|e| e.to_string())?
            .with_guessed_format()
            .map_err(|e| e.to_string())?
            .decode()
            .map_err(|e| e.to_string())?
            .into_rgba8();
        // RGBA, as the worker gets it from a canvas, so both turn it into luma the same way.
        let (width, height) = image.dimensions();
        Frame::from_rgba(width, height, image.as_raw()).map_err(|e| e.to_string())
    }
}
