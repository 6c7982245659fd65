//! `seedbed serve`: the web dashboard (`seedbed-server`).

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;
use seedbed_server::{Config, Limits, Server};

use crate::fail::Failure;

/// Options of `seedbed serve`.
#[derive(Args, Debug)]
#[command(after_help = "\
The page: pick a built-in scenario or upload / edit a TOML file, set the main policy levers, run one run, an \
ensemble or a comparison with live progress, look at the charts and the headline table, browse the run catalog \
and download each run's files or its HTML report. It works offline: everything is embedded in the binary.

Runs are written under --root and recorded in its catalog, like those of `seedbed run`: `seedbed runs` lists \
them. Safe by default: only this machine can connect unless --bind says otherwise; request sizes, scale, months \
and runs per request are limited; jobs wait in a queue of --max-queue and --max-concurrent run at once.")]
pub struct ServeArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on; 0.0.0.0 lets other machines connect.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Output root: runs are written there and recorded in its `catalog.sqlite`.
    #[arg(long, value_name = "DIR", default_value = "runs")]
    pub root: PathBuf,
    /// Largest scale a request may ask for.
    #[arg(long, value_name = "X", default_value_t = Limits::default().max_scale)]
    pub max_scale: f64,
    /// Most months a request may ask for.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_months)]
    pub max_months: u32,
    /// Most runs in one request (a comparison counts the runs of both scenarios).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_runs)]
    pub max_runs: usize,
    /// Jobs running at once.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_concurrent: u16,
    /// Jobs queued or running; further requests are refused until one ends.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_queue: u16,
    /// Largest request body in bytes (an uploaded scenario file included).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_body)]
    pub max_body: usize,
}

/// Runs `seedbed serve` until stopped.
pub fn serve(args: &ServeArgs) -> Result<(), Failure> {
    if !(args.max_scale.is_finite() && args.max_scale > 0.0) {
        return Err(Failure::input(format!("--max-scale {} must be a positive number", args.max_scale)));
    }
    let config = Config {
        bind: args.bind,
        port: args.port,
        root: args.root.clone(),
        limits: Limits {
            max_scale: args.max_scale,
            max_months: args.max_months,
            max_runs: args.max_runs,
            max_concurrent: usize::from(args.max_concurrent),
            max_queue: usize::from(args.max_queue),
            max_body: args.max_body,
        },
    };
    let server = Server::start(config).map_err(Failure::input)?;
    eprintln!("Seedbed dashboard on http://{}/ (runs under {}); Ctrl-C stops it.", server.addr(), args.root.display());
    server.wait().map_err(Failure::run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_servers() {
        let d = Limits::default();
        assert_eq!((d.max_concurrent, d.max_queue), (1, 8), "update the defaults of --max-concurrent and --max-queue");
    }
}
