// lifecircle: command-line interface.
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <tbb/global_control.h>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/version.hpp"
#include "sim/ranks.hpp"

namespace {

/// A command of the Python package: CLI11 only routes to it; its options, checks and help
/// are the Python command's own (everything after its name is passed on as it is).
CLI::App* python_command(CLI::App& app, const std::string& name, const std::string& description) {
    auto* cmd = app.add_subcommand(name, description + " (the Python package; `lifecircle " + name + " --help`)");
    cmd->prefix_command();  // (routed before CLI11 parses: see run_cli)
    return cmd;
}

void add_reach_options(CLI::App* cmd, lifecircle::cli::ReachOptions& o) {
    cmd->add_option("--k", o.k, "facilities kept per node and category")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--max-minutes", o.max_minutes, "walking time searched, minutes")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--speed", o.speed, "walking speed, metres a minute")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
}

/// An error's message and exit code. Over MPI ranks each rank says it and then all stop
/// together (MPI_Abort), since an error one rank alone meets would leave the others waiting.
int fail(int code, const char* kind, const char* what) {
    const auto& ranks = lifecircle::Ranks::world();
    if (!ranks.many()) {
        std::fprintf(stderr, "lifecircle: %s: %s\n", kind, what);
        return code;
    }
    std::fprintf(stderr, "lifecircle (rank %d of %d): %s: %s\n", ranks.rank(), ranks.size(), kind, what);
    std::fflush(stderr);
    lifecircle::Ranks::abort(code);
}

int run_cli(int argc, char** argv) {
    CLI::App app{"lifecircle: agent-based simulator of 15-minute living circles"};
    app.set_version_flag("--version", std::string("lifecircle ") + lifecircle::kVersion +
                                          (lifecircle::Ranks::built_with_mpi() ? " (with MPI)" : ""));
    app.require_subcommand(1);
    app.fallthrough();  // --threads may also follow the subcommand
    int threads = 0;
    app.add_option("--threads", threads, "worker threads (0 = all cores)")->check(CLI::NonNegativeNumber);

    lifecircle::cli::ReachOptions example_opts;
    unsigned grid_side = 120, seed = 1;
    auto* example = app.add_subcommand("example", "reach and coverage summary of a built-in grid city");
    add_reach_options(example, example_opts);
    example->add_option("--side", grid_side, "grid nodes per side")
        ->capture_default_str()
        ->check(CLI::Range(2U, 5000U));
    example->add_option("--seed", seed, "random seed")->capture_default_str();

    std::string osm_in, osm_out, categories;
    bool keep_all = false;
    auto* import =
        app.add_subcommand("import-osm", "OpenStreetMap PBF/XML to an HDF5 city file (network + facilities)");
    import->add_option("file", osm_in, "OpenStreetMap file (.osm.pbf, .osm, .osm.bz2)")->required();
    import->add_option("-o,--output", osm_out, "city file to write (.h5)")->required();
    import->add_option("--categories", categories,
                       "TOML mapping of OSM tags to categories (default: built-in "
                       "configs/osm_categories.toml)");
    import->add_flag("--keep-all-components", keep_all, "keep nodes outside the largest connected component");

    std::string csv_nodes, csv_edges, csv_facilities, csv_out;
    bool csv_keep_all = false;
    auto* import_csv = app.add_subcommand("import-csv", "CSV tables to an HDF5 city file");
    import_csv->add_option("--nodes", csv_nodes, "nodes CSV: id,x,y (metres)")->required();
    import_csv->add_option("--edges", csv_edges, "edges CSV: from,to,length (node ids, metres)")->required();
    import_csv->add_option("--facilities", csv_facilities, "facilities CSV: x,y,category[,name] (metres)");
    import_csv->add_option("-o,--output", csv_out, "city file to write (.h5)")->required();
    import_csv->add_flag("--keep-all-components", csv_keep_all, "keep nodes outside the largest connected component");

    std::string validate_path;
    auto* validate = app.add_subcommand(
        "validate", "check a scenario file (lists every problem), then build its world as `run` would");
    validate->add_option("config", validate_path, "scenario TOML file")->required();

    lifecircle::cli::RunCommand run_cmd;
    std::uint64_t run_seed = 0;
    bool quiet = false;
    auto* run = app.add_subcommand("run", "simulate a scenario day by day and write the results file");
    run->add_option("config", run_cmd.config,
                    "scenario TOML file (default: the built-in Yunfu scenario, configs/yunfu.toml)");
    run->add_option("-o,--output", run_cmd.output, "results file (HDF5)")->capture_default_str();
    auto* seed_opt = run->add_option("--seed", run_seed, "random seed (default: the scenario's)");
    run->add_option("--until", run_cmd.until,
                    "last simulated day, YYYY-MM-DD (default: the scenario's end; with --resume, the end of the "
                    "run the checkpoint holds)");
    run->add_flag("-q,--quiet", quiet, "no progress bar");
    run->add_option("--checkpoint-every", run_cmd.checkpoint_every,
                    "write a checkpoint every N months (at month ends; SIGINT/SIGTERM then stop at the month's "
                    "end with a last one)")
        ->check(CLI::Range(1, 1200));
    run->add_option("--checkpoint", run_cmd.checkpoint, "checkpoint file (default: OUTPUT.ckpt)");
    run->add_option("--resume", run_cmd.resume,
                    "continue the run a checkpoint holds (its scenario and seed; CONFIG, if given, must be the same)")
        ->check(CLI::ExistingFile);
    bool no_spinup_cache = false;
    run->add_flag("--no-spinup-cache", no_spinup_cache,
                  "simulate the spin-up even if the spin-up cache holds it, and do not keep it there (also: "
                  "LIFECIRCLE_SPINUP_CACHE=0; see `lifecircle cache`)");
    run->footer(
        "The spin-up (the scenario's spin_up_months before its start) is kept in a cache and read from it by "
        "later runs of the same spin-up (same scenario apart from its events from the start on, same seed, data "
        "files and build): the results are the same. Cache: LIFECIRCLE_CACHE_DIR (default "
        "$XDG_CACHE_HOME/lifecircle or ~/.cache/lifecircle), at most LIFECIRCLE_SPINUP_CACHE_MB megabytes "
        "(default 2048; the least recently used go first).");

    std::string cache_action = "list";
    auto* cache = app.add_subcommand("cache", "list the spin-up cache's entries, or clear it");
    cache->add_option("action", cache_action, "list (default) or clear")
        ->check(CLI::IsMember({"list", "clear"}))
        ->capture_default_str();

    std::string world_path;
    auto* world = app.add_subcommand("world", "build a scenario's world and print its summary");
    world->add_option("config", world_path,
                      "scenario TOML file (default: the built-in Yunfu scenario, configs/yunfu.toml)");

    lifecircle::cli::ReachOptions reach_opts;
    std::string city_path;
    auto* reach = app.add_subcommand("reach", "coverage per category from a city file");
    reach->add_option("city", city_path, "city file from import-osm")->required()->check(CLI::ExistingFile);
    add_reach_options(reach, reach_opts);

    // Commands written in Python (the lifecircle package): their options are declared there
    // once (argparse), and everything after the command's name is passed on unparsed, --help
    // included.
    const std::vector<std::pair<CLI::App*, std::string>> python_commands{
        {python_command(app, "plan",
                        "project lists (一图一清单): write a scenario with a circle_plan event for every district "
                        "when it joins, draw the lists (CSV) or freeze them as plan_facility events"),
         "projects"},
        {python_command(app, "report",
                        "charts (PNG), tables (CSV) and a self-contained HTML summary of a results file"),
         "report"},
        {python_command(app, "chance",
                        "each district's satisfied share at a recorded month and its chance of reaching the target "
                        "over draws of the satisfaction parameters from the documented prior"),
         "chances"},
        {python_command(app, "map",
                        "an interactive living-circle map of a results file: one self-contained HTML page that "
                        "opens with no network"),
         "webmap"},
        {python_command(app, "import-gis",
                        "a city file from a planner's GIS data: road lines in any coordinate system, Amap/Baidu "
                        "points of interest (GCJ-02/BD-09), district polygons, population (needs lifecircle[gis])"),
         "city"},
        {python_command(app, "isochrones",
                        "walking-time areas of a results file's town (from points or a category's facilities, at the "
                        "residents' speeds) as a GeoPackage, optionally drawn on the map page (needs lifecircle[gis])"),
         "isochrones"},
        {python_command(app, "export",
                        "GIS layers of a results file in WGS84: a GeoPackage (.gpkg) or GeoJSON files (.geojson), "
                        "for QGIS or geopandas (needs lifecircle[gis])"),
         "gis"},
    };

    // a Python command gets every argument after its name as it is (before CLI11 parses any)
    if (argc > 1)
        for (const auto& [command, module] : python_commands)
            if (command->get_name() == argv[1]) {
                try {
                    return lifecircle::cli::run_python(module, std::vector<std::string>(argv + 2, argv + argc));
                } catch (const std::exception& e) {
                    return fail(1, "internal error", e.what());
                }
            }
    CLI11_PARSE(app, argc, argv);
    std::unique_ptr<tbb::global_control> limit;
    if (threads > 0)
        limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);
    try {
        if (*example) return lifecircle::cli::run_example(example_opts, grid_side, seed);
        if (*import) return lifecircle::cli::run_import_osm(osm_in, osm_out, categories, keep_all);
        if (*import_csv)
            return lifecircle::cli::run_import_csv(csv_nodes, csv_edges, csv_facilities, csv_out, csv_keep_all);
        if (*validate) return lifecircle::cli::run_validate(validate_path);
        if (*run) {
            if (*seed_opt) run_cmd.seed = run_seed;
            run_cmd.progress = !quiet;
            run_cmd.spinup_cache = !no_spinup_cache;
            return lifecircle::cli::run_run(run_cmd);
        }
        if (*world) return lifecircle::cli::run_world(world_path);
        if (*cache) return lifecircle::cli::run_cache(cache_action);
        if (*reach) return lifecircle::cli::run_reach(city_path, reach_opts);
    } catch (const lifecircle::InputError& e) {
        return fail(2, "error", e.what());
    } catch (const lifecircle::ArgumentError& e) {
        return fail(2, "error", e.what());
    } catch (const std::exception& e) {
        return fail(1, "internal error", e.what());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    lifecircle::Ranks::init(argc, argv);  // under mpirun: MPI; otherwise nothing
    const int code = run_cli(argc, argv);
    lifecircle::Ranks::finalize();
    return code;
}
