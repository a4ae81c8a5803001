#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "catch.hpp"
#include "core/error.hpp"
#include "core/scenario.hpp"

using lc_test::Contains;
using lifecircle::ConfigError;
using lifecircle::parse_scenario;

namespace {

std::string read(const std::string& name) {
    std::ifstream in(std::string(LIFECIRCLE_SOURCE_DIR) + "/configs/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// tiny.toml with the first occurrence of `from` replaced by `to` (which must exist).
std::string tiny_with(const std::string& from, const std::string& to) {
    std::string text = read("tiny.toml");
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

struct Broken {
    const char* what;
    const char* from;
    const char* to;
    const char* expect1;  // key path or position
    const char* expect2;  // what was expected
};

// Each case breaks tiny.toml in one way; the error must name the key and what was expected.
const Broken kBroken[] = {
    {"unknown top-level key", "[simulation]", "colour = 3\n[simulation]", "tiny.toml:", "colour: unknown key"},
    {"unknown key in a table", "seed = 7", "seed = 7\nsed = 8", "simulation.sed", "unknown key"},
    {"missing simulation table", "[simulation]", "[simulation_x]", "simulation", "missing"},
    {"start after end", "end = 2025-12-31", "end = 2023-12-31", "simulation.end", "after start"},
    {"date as a number", "start = 2024-01-01", "start = 20240101", "simulation.start", "a date"},
    {"impossible date string", "start = 2024-01-01", "start = \"2024-02-30\"", "simulation.start", "a date"},
    {"negative seed", "seed = 7", "seed = -7", "simulation.seed", "an integer from 0"},
    {"seed not an integer", "seed = 7", "seed = \"seven\"", "simulation.seed", "an integer"},
    {"spin-up too long", "seed = 7", "seed = 7\nspin_up_months = 61", "simulation.spin_up_months", "0 to 60"},
    {"walking speed out of range", "working = 1.2", "working = 12.0", "walking_speed.working", "0.3 to 2.5"},
    {"walking speed missing", "child = 1.0\n", "", "walking_speed.child", "missing"},
    {"map app share above 1", "working = 0.5", "working = 1.5", "map_app.working", "0 to 1"},
    {"slot hours outside 0-24", "start = 22\nend = 24", "start = 22\nend = 25", "time_slots[4].end", "0 to 24"},
    {"slot ends before it starts", "start = 17\nend = 22", "start = 17\nend = 16", "time_slots[3].end", "after start"},
    {"slots leave a gap", "start = 9\nend = 17", "start = 10\nend = 17", "time_slots", "without gap or overlap"},
    {"duplicate slot name", "name = \"evening\"", "name = \"day\"", "time_slots[3].name", "duplicate"},
    {"holiday ends before it starts", "end = 2024-02-17", "end = 2024-02-01", "holidays[0].end", "on or after start"},
    {"unknown category class", "class = \"quality\"", "class = \"luxury\"", "categories.elder_canteen.class",
     "\"basic\""},
    {"ring not 10 or 15", "ring_minutes = 15", "ring_minutes = 12", "categories.pharmacy.ring_minutes",
     "10 (the 5-10 minute ring) or 15"},
    {"opening hours outside 0-24", "hours = [7, 22]", "hours = [7, 25]", "categories.convenience.hours",
     "0 <= opening < closing <= 24"},
    {"opening hours reversed", "hours = [6, 10]", "hours = [10, 6]", "categories.breakfast.hours", "opening < closing"},
    {"negative trip rate", "weekday = { child = 0.05, working = 0.36", "weekday = { child = -0.05, working = 0.36",
     "categories.convenience.trips_per_day.weekday.child", "0 to 10"},
    {"missing day type", "trips_per_day.holiday = { child = 0.15, working = 0.20, elderly = 0.21 }\n", "",
     "categories.breakfast.trips_per_day.holiday", "missing"},
    {"slot profile not summing to 1", "slot_profile = { early_morning = 0.85, day = 0.15 }",
     "slot_profile = { early_morning = 0.85, day = 0.25 }", "categories.breakfast.slot_profile", "sum to 1.1"},
    {"slot profile names an unknown slot", "slot_profile = { day = 1.0 }", "slot_profile = { noon = 1.0 }",
     "categories.elder_canteen.slot_profile.noon", "unknown time slot"},
    {"gross margin above 1", "gross_margin = 0.55", "gross_margin = 55", "categories.breakfast.gross_margin", "0 to 1"},
    {"spend as a string", "spend_yuan = 25", "spend_yuan = \"25\"", "categories.convenience.spend_yuan", "a number"},
    {"missing required category key", "decay = 1.5\nsubsidy_eligible = false", "subsidy_eligible = false",
     "categories.pharmacy.decay", "missing"},
    {"boolean as a string", "deliverable = true", "deliverable = \"yes\"", "categories.convenience.deliverable",
     "true or false"},
    {"exit rate above 1", "exit_per_year = 0.15", "exit_per_year = 1.5", "categories.breakfast.exit_per_year",
     "0 to 1"},
    {"satisfaction weights not summing to 1", "[network]", "[satisfaction]\nweight_basic = 0.9\n\n[network]",
     "satisfaction", "weights sum to 1.25"},
    {"unknown economics key", "[network]", "[economics]\nrent_control = true\n\n[network]", "economics.rent_control",
     "unknown key"},
    {"category not a table", "[categories.pharmacy]", "[categories]\npharmacy2 = 3\n[categories.pharmacy]",
     "categories.pharmacy2", "expected a table"},
    {"duplicate district name", "name = \"西区\"", "name = \"东区\"", "districts[1].name", "duplicate district"},
    {"age shares not summing to 1", "age_shares = { child = 0.2, working = 0.62, elderly = 0.18 }",
     "age_shares = { child = 0.3, working = 0.62, elderly = 0.18 }", "districts[0].age_shares", "sum to 1.1"},
    {"negative population", "population = 1200", "population = -1200", "districts[0].population", "an integer from 1"},
    {"fractional population", "population = 1200", "population = 1200.5", "districts[0].population", "an integer"},
    {"unknown circle class",
     "circle_class = \"quality\"              # lists cover the basic and quality categories (docs/model.md)\nform = "
     "\"distributed\"",
     "circle_class = \"premium\"\nform = \"distributed\"", "districts[1].circle_class", "\"distinctive\""},
    {"household size of zero", "household_size = 3.0", "household_size = 0", "districts[0].household_size", "1 to 10"},
    {"baseline names an unknown category", "baseline = { convenience = 1, breakfast = 0",
     "baseline = { kiosk = 1, breakfast = 0", "districts[1].baseline.kiosk", "unknown category"},
    {"negative baseline count", "baseline = { convenience = 2", "baseline = { convenience = -2",
     "districts[0].baseline.convenience", "whole number"},
    {"no streets", "streets = [\"云城\"]", "streets = []", "districts[0].streets", "at least one street"},
    {"programme year out of range", "programme_start = 2025", "programme_start = 1999", "districts[1].programme_start",
     "a year"},
    {"event date outside the period", "date = 2025-01-01", "date = 2031-01-01", "events[3].date",
     "within the simulation period"},
    {"event for an undefined district", "district = \"西区\"\ncategory", "district = \"北区\"\ncategory",
     "events[2].district", "unknown district"},
    {"event for an undefined category", "category = \"breakfast\"\nrent_cut", "category = \"bakery\"\nrent_cut",
     "events[1].category", "unknown category"},
    {"unknown event type", "type = \"subsidy\"", "type = \"tax_cut\"", "events[1].type", "\"join_programme\""},
    {"subsidy for an ineligible category", "category = \"breakfast\"\nrent_cut = 0.5",
     "category = \"pharmacy\"\nrent_cut = 0.5", "events[1].category", "not subsidy_eligible"},
    {"rent cut above 1", "rent_cut = 0.5", "rent_cut = 1.5", "events[1].rent_cut", "0 to 1"},
    {"event key of another type", "rent_cut = 0.5", "rent_cut = 0.5\nadoption = 0.3", "events[1].adoption",
     "unknown key"},
    {"circle plan target above 1", "type = \"join_programme\"\ndistrict = \"东区\"",
     "type = \"circle_plan\"\ndistrict = \"东区\"\ntarget = 1.5", "events[0].target", "0.01 to 1"},
    {"circle plan without a district", "type = \"join_programme\"\ndistrict = \"东区\"", "type = \"circle_plan\"",
     "events[0].district", "missing"},
    {"circle plan negative budget", "type = \"join_programme\"\ndistrict = \"东区\"",
     "type = \"circle_plan\"\ndistrict = \"东区\"\nbudget_yuan = -1", "events[0].budget_yuan", "0 to"},
    {"circle plan unknown method", "type = \"join_programme\"\ndistrict = \"东区\"",
     "type = \"circle_plan\"\ndistrict = \"东区\"\nmethod = \"random\"", "events[0].method", "\"greedy\""},
    {"idle facility without places", "count = 1\n", "count = 1\nidle = true\n", "events[2].idle", "sites_xy"},
    {"idle site not a point", "household_size = 3.0", "household_size = 3.0\nidle_sites_xy = [[1.0]]",
     "districts[0].idle_sites_xy[0]", "[x, y] in metres"},
    {"network source unknown", "source = \"synthetic\"", "source = \"satellite\"", "network.source", "\"osm\""},
    {"osm file missing", "source = \"synthetic\"", "source = \"osm\"\nosm = \"nowhere.pbf\"", "network.osm",
     "no such file"},
    {"invalid TOML", "seed = 7", "seed = = 7", "tiny.toml:8:", "invalid TOML"},
    {"duplicate key (TOML)", "seed = 7", "seed = 7\nseed = 8", "tiny.toml:9:", "invalid TOML"},
};

}  // namespace

TEST_CASE("the shipped scenarios validate", "[scenario]") {
    for (const char* name : {"yunfu.toml", "tiny.toml"}) {
        INFO(name);
        const auto sc = parse_scenario(read(name), name);
        CHECK(!sc.districts.empty());
    }
    const auto yunfu = parse_scenario(read("yunfu.toml"), "yunfu.toml");
    CHECK(yunfu.districts.size() == 11);
    CHECK(yunfu.total_population() == 300000);
    int pilots = 0;
    for (const auto& d : yunfu.districts) pilots += d.programme_start == 2024;
    CHECK(pilots == 3);
    CHECK(yunfu.districts[0].name == "育华");
    CHECK(yunfu.categories.front().key == "convenience");  // file order, not sorted
    CHECK(yunfu.slots.size() == 7);
}

TEST_CASE("broken scenarios give precise errors, never a crash", "[scenario][errors]") {
    STATIC_REQUIRE(sizeof(kBroken) / sizeof(kBroken[0]) >= 30);
    for (const auto& b : kBroken) {
        INFO(b.what);
        const auto text = tiny_with(b.from, b.to);
        try {
            parse_scenario(text, "tiny.toml");
            FAIL("no error for: " << b.what);
        } catch (const ConfigError& e) {
            const std::string msg = e.what();
            INFO(msg);
            CHECK_THAT(msg, Contains(b.expect1) && Contains(b.expect2));
            CHECK_THAT(msg, Contains("tiny.toml:"));  // a position in the file
        }
    }
}

TEST_CASE("circle_plan events and idle sites are read with their defaults", "[scenario]") {
    std::string text = tiny_with("type = \"join_programme\"\ndistrict = \"东区\"",
                                 "type = \"circle_plan\"\ndistrict = \"东区\"\nbudget_yuan = 90000\nmonths = 3");
    text = text.replace(text.find("household_size = 3.0"), 20,
                        "household_size = 3.0\nidle_sites_xy = [[100.0, -20.5], [0, 0]]");
    const auto sc = parse_scenario(text, "tiny.toml");
    const auto plan = std::find_if(sc.events.begin(), sc.events.end(),
                                   [](const auto& e) { return e.type == lifecircle::EventType::circle_plan; });
    REQUIRE(plan != sc.events.end());
    CHECK(plan->district == "东区");
    CHECK(plan->target == 0.9);  // the plan's target share by default
    CHECK(plan->budget_yuan == 90000.0);
    CHECK(plan->months == 3);
    CHECK(plan->method == "exact");
    REQUIRE(sc.districts[0].idle_sites.size() == 2);
    CHECK(sc.districts[0].idle_sites[0] == std::array<double, 2>{100.0, -20.5});
    CHECK(sc.districts[1].idle_sites.empty());
}

TEST_CASE("every problem of a file is reported in one pass", "[scenario][errors]") {
    std::string text = tiny_with("seed = 7", "seed = -1");
    text.replace(text.find("population = 800"), 16, "population = 0");
    text.replace(text.find("gross_margin = 0.3\n"), 18, "gross_margin = 3.0");
    try {
        parse_scenario(text, "t.toml");
        FAIL("no error");
    } catch (const ConfigError& e) {
        const std::string msg = e.what();
        CHECK_THAT(msg, Contains("3 problems in t.toml"));
        CHECK_THAT(msg, Contains("simulation.seed") && Contains("districts[1].population") &&
                            Contains("categories.pharmacy.gross_margin"));
        // each problem on its own line, in file order, with line and column
        CHECK(msg.find("simulation.seed") < msg.find("categories.pharmacy.gross_margin"));
        CHECK_THAT(msg, Contains("t.toml:8:8:"));
    }
}

TEST_CASE("dates: days, weekdays and round trips", "[scenario]") {
    using lifecircle::Date;
    CHECK(Date{1970, 1, 1}.days() == 0);
    CHECK(Date{2024, 1, 1}.weekday() == 0);   // a Monday
    CHECK(Date{2024, 2, 10}.weekday() == 5);  // Spring Festival 2024: a Saturday
    for (std::int64_t d = 19000; d < 21000; d += 37) CHECK(Date::from_days(d).days() == d);
    CHECK(Date{2024, 12, 31}.days() - Date{2024, 1, 1}.days() == 365);  // leap year
}

TEST_CASE("a district's circle class decides what its project lists cover", "[scenario]") {
    // issue 22 item 7 (plan item 1): basic circles the basic and government categories and the
    // public services; quality circles also the quality ones; distinctive circles also their own
    auto sc = lifecircle::load_scenario(std::string(LIFECIRCLE_SOURCE_DIR) + "/configs/yunfu.toml");
    const auto bit = [&](const char* key) { return std::uint64_t{1} << sc.category_index(key); };
    const std::size_t d = 0;
    sc.districts[d].circle_class = lifecircle::CircleClass::basic;
    const auto basic = sc.list_categories(d);
    CHECK((basic & bit("convenience")));      // basic
    CHECK((basic & bit("gov_service")));      // government
    CHECK((basic & bit("elder_canteen")));    // quality, but a public service (public_private)
    CHECK((basic & bit("clinic")));           // quality, public
    CHECK_FALSE((basic & bit("bookstore")));  // quality, private
    CHECK_FALSE((basic & bit("cafe")));
    sc.districts[d].circle_class = lifecircle::CircleClass::quality;
    const auto quality = sc.list_categories(d);
    CHECK((quality & bit("bookstore")));
    CHECK((quality & basic) == basic);  // a quality circle covers what a basic one does
    // distinctive circles: the basic set and their own categories, not every quality one
    sc.districts[d].circle_class = lifecircle::CircleClass::distinctive;
    CHECK(sc.list_categories(d) == basic);  // none of its own listed
    sc.districts[d].distinctive = {"bookstore"};
    CHECK(sc.list_categories(d) == (basic | bit("bookstore")));
    sc.districts[d].circle_class = lifecircle::CircleClass::basic;
    CHECK(sc.list_categories(d) == basic);  // listed, but the circle is basic
}
