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
    run->add_option("--until", run_cmd.until, "last simulated day, YYYY-MM-DD (default: the scenario's end)");
    run->add_flag("-q,--quiet", quiet, "no progress bar");
    run->add_option("--checkpoint-every", run_cmd.checkpoint_every,
                    "write a checkpoint every N months (at month ends; SIGINT/SIGTERM then stop at the month's "
                    "end with a last one)")
        ->check(CLI::Range(1, 1200));
    run->add_option("--checkpoint", run_cmd.checkpoint, "checkpoint file (default: OUTPUT.ckpt)");
    run->add_option("--resume", run_cmd.resume,
                    "continue the run a checkpoint holds (its scenario and seed; CONFIG, if given, must be the same)")
        ->check(CLI::ExistingFile);

    std::string plan_config, plan_out, plan_projects, plan_method = "exact";
    double plan_target = 0.9, plan_budget = -1;
    int plan_months = 6;
    bool plan_at_joining = false;
    auto* plan = app.add_subcommand(
        "plan",
        "draw a scenario's project lists (一图一清单) from the districts' gaps (its circle_plan events; with "
        "--at-joining, every joining district) and write the scenario with them (needs the Python package)");
    plan->add_option("config", plan_config, "scenario TOML file (default: the built-in Yunfu scenario)");
    plan->add_option("-o,--output", plan_out, "scenario TOML file to write")->required();
    plan->add_option("--projects", plan_projects, "also write the project lists here (CSV)");
    plan->add_flag("--at-joining", plan_at_joining, "a list for every district when it joins (not its fixed package)");
    plan->add_option("--target", plan_target, "ring coverage a category should reach")
        ->check(CLI::Range(0.01, 1.0))
        ->capture_default_str();
    plan->add_option("--budget-yuan", plan_budget, "each list's budget, yuan (default: no limit)")
        ->check(CLI::NonNegativeNumber);
    plan->add_option("--months", plan_months, "months a list is phased over")
        ->check(CLI::Range(1, 120))
        ->capture_default_str();
    plan->add_option("--method", plan_method, "sites by exact maximal covering (HiGHS) or greedy")
        ->check(CLI::IsMember({"exact", "greedy"}))
        ->capture_default_str();
    plan->add_flag("-q,--quiet", quiet, "no progress bar");

    std::string world_path;
    auto* world = app.add_subcommand("world", "build a scenario's world and print its summary");
    world->add_option("config", world_path,
                      "scenario TOML file (default: the built-in Yunfu scenario, configs/yunfu.toml)");

    lifecircle::cli::ReachOptions reach_opts;
    std::string city_path;
    auto* reach = app.add_subcommand("reach", "coverage per category from a city file");
    reach->add_option("city", city_path, "city file from import-osm")->required()->check(CLI::ExistingFile);
    add_reach_options(reach, reach_opts);

    std::string report_results, report_dir;
    int report_year = 0;
    std::vector<std::string> report_maps;
    auto* report = app.add_subcommand("report",
                                      "charts (PNG), tables (CSV) and a self-contained HTML "
                                      "summary of a results file (needs the Python package)");
    report->add_option("results", report_results, "results file from `lifecircle run`")
        ->required()
        ->check(CLI::ExistingFile);
    report->add_option("-o,--output", report_dir, "directory to write")->required();
    report->add_option("--year", report_year, "year of the tables and gap lists (default: the last)");
    report->add_option("--map", report_maps, "district to map (repeatable; default: the pilots)");

    std::string map_results, map_out, map_lang = "zh";
    auto* map = app.add_subcommand("map",
                                   "an interactive living-circle map of a results file: one self-contained "
                                   "HTML page that opens with no network (needs the Python package)");
    map->add_option("results", map_results, "results file from `lifecircle run`")->required()->check(CLI::ExistingFile);
    map->add_option("-o,--output", map_out, "HTML file to write")->required();
    map->add_option("--lang", map_lang, "the page's first language")->check(CLI::IsMember({"zh", "en"}));
    map->add_flag("-q,--quiet", quiet, "no progress bar");

    std::string export_results, export_out;
    int export_year = 0;
    auto* gis = app.add_subcommand("export",
                                   "GIS layers of a results file in WGS84: a GeoPackage (.gpkg) or GeoJSON "
                                   "files (.geojson), for QGIS or geopandas (needs geopandas and pyogrio)");
    gis->add_option("results", export_results, "results file from `lifecircle run`")
        ->required()
        ->check(CLI::ExistingFile);
    gis->add_option("-o,--output", export_out, "a .gpkg (every layer) or .geojson (one file a layer)")->required();
    gis->add_option("--year", export_year, "year of homes' coverage, gap sites and slot access (default: the last)");

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
            return lifecircle::cli::run_run(run_cmd);
        }
        if (*plan) {
            std::vector<std::string> args{"-o",       plan_out,
                                          "--target", std::to_string(plan_target),
                                          "--months", std::to_string(plan_months),
                                          "--method", plan_method};
            if (!plan_config.empty()) args.insert(args.begin(), plan_config);
            if (!plan_projects.empty()) args.insert(args.end(), {"--projects", plan_projects});
            if (plan_budget >= 0) args.insert(args.end(), {"--budget-yuan", std::to_string(plan_budget)});
            if (plan_at_joining) args.emplace_back("--at-joining");
            if (quiet) args.emplace_back("--quiet");
            return lifecircle::cli::run_python("projects", args);
        }
        if (*world) return lifecircle::cli::run_world(world_path);
        if (*reach) return lifecircle::cli::run_reach(city_path, reach_opts);
        if (*report) {
            std::vector<std::string> args{report_results, "-o", report_dir};
            if (report_year) args.insert(args.end(), {"--year", std::to_string(report_year)});
            for (const auto& m : report_maps) args.insert(args.end(), {"--map", m});
            return lifecircle::cli::run_python("report", args);
        }
        if (*map) {
            std::vector<std::string> args{map_results, "-o", map_out, "--lang", map_lang};
            if (quiet) args.emplace_back("--quiet");
            return lifecircle::cli::run_python("webmap", args);
        }
        if (*gis) {
            std::vector<std::string> args{export_results, "-o", export_out};
            if (export_year) args.insert(args.end(), {"--year", std::to_string(export_year)});
            return lifecircle::cli::run_python("gis", args);
        }
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
