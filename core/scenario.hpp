#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lifecircle {

/// Most districts a scenario may have (16-bit ids, 0 .. 65534; 65535 means none).
inline constexpr std::size_t kMaxDistricts = 65535;
/// Most categories a scenario may have (a facility's extra categories are a 64-bit mask).
inline constexpr std::size_t kMaxCategories = 64;

/// Age groups of residents: 0-14, 15-59, 60+ (census groups of PARAMETERS.md).
enum class AgeGroup : std::uint8_t { child = 0, working = 1, elderly = 2 };
inline constexpr int kAgeGroups = 3;
inline constexpr std::array<const char*, kAgeGroups> kAgeGroupNames{"child", "working", "elderly"};

/// Day types with their own trip rates.
enum class DayType : std::uint8_t { weekday = 0, weekend = 1, holiday = 2 };
inline constexpr int kDayTypes = 3;
inline constexpr std::array<const char*, kDayTypes> kDayTypeNames{"weekday", "weekend", "holiday"};

/// A calendar date (proleptic Gregorian).
struct Date {
    int year = 2024, month = 1, day = 1;
    /// Days since 1970-01-01.
    std::int64_t days() const;
    static Date from_days(std::int64_t days);
    /// "YYYY-MM-DD" to a Date; nothing if the text is not a valid date.
    static std::optional<Date> parse(const std::string& text);
    /// 0 = Monday ... 6 = Sunday.
    int weekday() const;
    std::string str() const;
    auto operator<=>(const Date&) const = default;
};

/// A part of the day in which needs arise (hours, [start, end)).
struct TimeSlot {
    std::string name;
    double start_hour = 0, end_hour = 0;
};

/// A dated span of public holidays (inclusive).
struct Holiday {
    std::string name;
    Date start, end;
};

/// Facility class in the MOFCOM guide, plus the plan's government service points.
enum class CategoryClass : std::uint8_t { basic, quality, government };
inline constexpr std::array<const char*, 3> kCategoryClassNames{"basic", "quality", "government"};

/// Who runs a category's facilities (plan item 17, docs/model.md "Operators"):
///   private        keeps its own accounts; closes after loss months or on its exit draw;
///   public         no accounts of its own: its running cost less its takings is public cost;
///                  closes only by a dated event;
///   public_private government-built, company-run: the operator's monthly deficit is covered up
///                  to a contract cap (public cost); above the cap for `contract_months` months
///                  in a row (or on its exit draw) the operator leaves and the site reopens by
///                  tender `retender_months` later.
enum class Operator : std::uint8_t { private_, public_, public_private };
inline constexpr std::array<const char*, 3> kOperatorNames{"private", "public", "public_private"};

/// A facility category: what residents need, how often, and the shop's economics.
struct Category {
    std::string key;     ///< identifier used in the scenario, e.g. "convenience"
    std::string zh, en;  ///< display names
    CategoryClass cls = CategoryClass::basic;
    double ring_minutes = 15;  ///< the walking ring it should lie in (5, 10 or 15), minutes
    double ring_metres = 0;    ///< or a distance as the national standard writes it, metres (0: the minutes rule)
    double open_hour = 0, close_hour = 24;  ///< opening hours; close may exceed 24 (past midnight)
    bool household = false;                 ///< a household need: one member goes for all
    /// Trips per person per day, [day type][age group].
    std::array<std::array<double, kAgeGroups>, kDayTypes> trips_per_day{};
    std::vector<double> slot_profile;         ///< share of trips in each time slot (sums to 1)
    double spend_yuan = 0;                    ///< spend per visit, yuan
    double gross_margin = 0;                  ///< share of revenue, 0-1
    double floor_area_m2 = 0;                 ///< typical shop floor area, m2
    double rent_yuan_m2_month = 0;            ///< rent, yuan per m2 per month
    double staff_cost_yuan_month = 0;         ///< staff cost, yuan per month
    double other_cost_yuan_month = 0;         ///< utilities and other fixed costs, yuan per month
    double decay = 2.0;                       ///< Huff distance-decay exponent b
    bool subsidy_eligible = false;            ///< thin-margin, public-welfare business (plan item 20)
    bool deliverable = false;                 ///< can be delivered to the door when no shop is in reach
    bool mobile_vendor = false;               ///< can be sold from a vegetable truck or food cart (plan item 11)
    bool round_the_clock = false;             ///< its shops may open 24 hours (plan item 10)
    double exit_per_year = 0.08;              ///< background yearly closure probability (non-economic)
    double fitout_yuan_m2 = 1500;             ///< public capital: fit-out and equipment of a planned facility, yuan/m2
    double support_yuan_visit = 0;            ///< public operating support a visit (e.g. an elder canteen's meal)
    Operator operator_ = Operator::private_;  ///< who runs its facilities (planned ones may override)
    double contract_cap_yuan_month = 0;       ///< public_private: most deficit covered a month, yuan
    int contract_months = 3;                  ///< public_private: months above the cap before the operator leaves
    int retender_months = 6;                  ///< public_private: months until the site reopens by tender
    std::vector<std::string> counts_as;       ///< categories its facilities also serve (a centre counts as a station)
    int list_sites = 8;                       ///< most sites of it one project list places (one centre a circle)
    bool scored = true;  ///< in residents' satisfaction score (a centre that counts as a station is judged as one)
    std::vector<std::string> osm_tags;  ///< "key=value" tags for real-city scenarios
};

/// Circle classes of the plan (section 1): fill gaps, enrich, upgrade brands.
enum class CircleClass : std::uint8_t { basic, quality, distinctive };
inline constexpr std::array<const char*, 3> kCircleClassNames{"basic", "quality", "distinctive"};
/// Commercial forms of the plan (section 3).
enum class CommercialForm : std::uint8_t { clustered, street_block, distributed };
inline constexpr std::array<const char*, 3> kCommercialFormNames{"clustered", "street_block", "distributed"};

/// One of the city's districts (片区), with its population marginals.
struct District {
    std::string name;    ///< Chinese name, e.g. 育华
    std::string pinyin;  ///< e.g. Yuhua
    std::vector<std::string> streets;
    int programme_start = 2030;  ///< year the district joins the programme
    CircleClass circle_class = CircleClass::basic;
    CommercialForm form = CommercialForm::street_block;
    std::int64_t population = 0;
    std::array<double, kAgeGroups> age_shares{};
    double household_size = 3.14;
    double area_km2 = 1.0;
    bool delivery = true;                                              ///< home delivery offered
    std::optional<std::array<double, kAgeGroups>> delivery_app_users;  ///< overrides the city's shares
    std::map<std::string, int> baseline;                               ///< facilities by category key at the start
    std::vector<std::string> distinctive;  ///< a distinctive circle's own categories (its project list covers them)
    /// categories known to have no facility in the district: where the facilities come from
    /// data (OpenStreetMap), one without a point is "no data" unless listed here
    std::vector<std::string> known_absent;
    /// idle public buildings and plots (plan item 13), metres in the town's frame: a project
    /// list places facilities there first (models/project_list)
    std::vector<std::array<double, 2>> idle_sites;
    double density() const { return static_cast<double>(population) / area_km2; }  ///< per km2
};

/// Kinds of dated policy events.
enum class EventType : std::uint8_t {
    join_programme,
    subsidy,
    plan_facility,
    extend_hours,
    mobile_vendor,
    multi_function,
    map_app,
    elder_canteen,
    new_housing,
    circle_plan,    ///< a project list drawn from the district's gaps on the date, by the engine in the run
    close_facility  ///< closes public or contracted facilities (they close by no other rule)
};
/// The event types' names in the scenario, in EventType's order.
inline constexpr std::array<const char*, 11> kEventTypeNames{
    "join_programme", "subsidy",       "plan_facility", "extend_hours", "mobile_vendor", "multi_function",
    "map_app",        "elder_canteen", "new_housing",   "circle_plan",  "close_facility"};

/// A dated policy event; which fields matter depends on the type (see docs/scenario.md).
struct PolicyEvent {
    Date date;
    EventType type = EventType::join_programme;
    std::optional<std::string> district;  ///< none: every district
    std::optional<std::string> category;
    double rent_cut = 0;          ///< subsidy: share of rent waived, 0-1
    double grant_yuan_month = 0;  ///< subsidy: operating grant per shop; plan_facility: per facility, yuan a month
    int count = 1;                ///< plan_facility, elder_canteen, mobile_vendor, close_facility: how many
    double open_hour = 0, close_hour = 24;  ///< extend_hours
    std::vector<std::string> adds;          ///< multi_function: categories added to shops of `category`
    double adoption = 0;                    ///< map_app: share of residents using the app afterwards
    std::int64_t residents = 0;             ///< new_housing: new residents
    double commercial_share = 0.1;          ///< new_housing: commercial floor share (>= 0.10)
    std::vector<std::uint32_t> sites;       ///< plan_facility: the nodes to open at (a project list's)
    /// plan_facility: places to open at, metres; each the district's candidate site nearest to
    /// it in the run's own town (a project list's, valid for any seed's synthetic town);
    /// close_facility: places whose nearest public facility of the category closes
    std::vector<std::array<double, 2>> sites_xy;
    double gain = 0;  ///< plan_facility: residents newly inside the ring, as planned
    /// plan_facility: at an idle public site: sites_xy snap to the district's nearest node (a
    /// building anywhere), not to its nearest commercial candidate site
    bool idle = false;
    double target = 0.9;                ///< circle_plan: ring coverage a category should reach
    std::optional<double> budget_yuan;  ///< circle_plan: the list's budget (fit-out), none: no limit
    int months = 6;                     ///< circle_plan: the list is phased over this many months
    std::string method = "exact";       ///< circle_plan: "exact" (HiGHS) or "greedy" sites
    std::string unprofitable =
        "support";                      ///< circle_plan: a private project below break-even: "support", "drop", "keep"
    std::optional<Operator> operator_;  ///< plan_facility, elder_canteen, circle_plan: who runs the facilities
    std::optional<Date> until;          ///< extend_hours, multi_function: the rule's last day (none: for good)
    double night_grant_share = 0;       ///< extend_hours: share of the night staff cost the rule pays (public)
    int line = 0;                       ///< line in the scenario file
};

/// Which months' score inputs a run records, so that `Results.rescore` can re-score them
/// under other weights and thresholds without a new run (docs/model.md, "Re-scoring").
enum class ScoreRecord : std::uint8_t { none, year_end, every_month };
inline constexpr std::array<const char*, 3> kScoreRecordNames{"none", "year_end", "every_month"};

/// How residents' monthly satisfaction is scored (docs/model.md).
struct SatisfactionModel {
    double weight_basic = 0.65, weight_quality = 0.15, weight_government = 0.05;
    double weight_unmet = 0.10, weight_night = 0.05;
    double threshold_mean = 0.70, threshold_sd = 0.10;  ///< residents' personal thresholds
    ScoreRecord record = ScoreRecord::year_end;         ///< months whose score inputs are recorded
    std::vector<Date> record_dates;                     ///< and the months holding these dates
    /// Whether the month ending `last_day` (its last day) is recorded for re-scoring.
    bool records(const Date& last_day) const {
        if (record == ScoreRecord::every_month || (record == ScoreRecord::year_end && last_day.month == 12))
            return true;
        for (const auto& d : record_dates)
            if (d.year == last_day.year && d.month == last_day.month) return true;
        return false;
    }
};

/// Shop economics parameters (docs/model.md).
struct EconomicsModel {
    double breakeven_share = 0.85;       ///< below this share of costs covered, a month is a loss
    int loss_months = 3;                 ///< consecutive loss months before closing
    double young_hazard_factor = 1.5;    ///< background exit multiplier in a shop's first 3 years
    double capacity_visits_per_m2 = 20;  ///< visits per m2 a month before crowding
    double entry_rate = 1.0;             ///< monthly entry intensity per unit of expected profit / fixed costs
    int entry_sites = 32;                ///< candidate sites would-be entrants price in each district
    double night_staff_yuan_hour =
        0;  ///< staff cost of each hour a shop opens between 22:00 and 06:00 beyond its category's hours, yuan
};

/// Home delivery (docs/model.md, "Delivery"): who orders, how readily, and what couriers carry.
struct DeliveryModel {
    std::array<double, kAgeGroups> app_users{0.0, 0.7, 0.2};  ///< share ordering through a delivery app
    double order_share = 0.6;               ///< of a user's needs with no shop open in reach, the share ordered
    double couriers_per_10k = 3.0;          ///< couriers serving a district, per 10,000 residents
    double orders_per_courier_hour = 2.5;   ///< orders a courier delivers an hour
    double night_couriers = 0.15;           ///< share of couriers at work in the night slots (the platforms' own)
    double programme_night_couriers = 0.3;  ///< the same once the district has joined (the plan's night measure)
};

/// Where the walking network comes from.
struct NetworkSource {
    std::string kind = "synthetic";              ///< "synthetic", "osm" or "city"
    std::string osm_path;                        ///< osm: OpenStreetMap file (relative to the scenario)
    std::string city_path;                       ///< city: a city file (import-osm, import-gis, import-csv)
    std::string population_grid;                 ///< osm (city without homes): CSV of lon,lat,population cells
    std::string categories_path;                 ///< osm: OSM tag mapping (default: from categories)
    double block_min_m = 80, block_max_m = 200;  ///< synthetic: block sides, metres
};

/// A whole scenario, validated.
struct Scenario {
    std::string path;  ///< file it was read from
    std::string text;  ///< its full text (stored in results for reproducibility)
    std::string name;
    Date start{2024, 1, 1}, end{2030, 12, 31};
    std::uint64_t seed = 1;
    std::array<double, kAgeGroups> walking_speed{1.0, 1.2, 0.9};  ///< m/s
    std::array<double, kAgeGroups> map_app_use{0.0, 0.6, 0.2};    ///< share using the app
    double satisfaction_target = 0.9;
    double max_walk_minutes = 20;  ///< longest walk a resident makes for a need, minutes
    SatisfactionModel satisfaction;
    EconomicsModel economics;
    DeliveryModel delivery;
    int survey_sample = 400;
    int spin_up_months = 0;  ///< months simulated before `start`, unrecorded (market settles)
    std::vector<TimeSlot> slots;
    std::vector<Holiday> holidays;
    std::vector<Category> categories;
    std::vector<District> districts;
    std::vector<PolicyEvent> events;
    NetworkSource network;

    /// The first simulated day: `start`, or with a spin-up the first day of its first month.
    Date first_simulated_day() const;
    int category_index(const std::string& key) const;
    int district_index(const std::string& name) const;
    int slot_index(const std::string& name) const;
    std::int64_t total_population() const;
    /// Category c's ring (the walk it should lie within) for age group `age`, metres.
    double ring_metres(std::size_t c, int age) const {
        const Category& cat = categories[c];
        return cat.ring_metres > 0 ? cat.ring_metres
                                   : cat.ring_minutes * 60.0 * walking_speed[static_cast<std::size_t>(age)];
    }
    /// The categories a district's project lists must cover, by its circle class (plan item 1):
    /// basic circles the basic and government ones and the public services (operator not
    /// private: the basic public service system, plan items 5 and 6); quality circles also the
    /// quality ones; distinctive circles, instead, their own listed categories. Bit c: category c.
    std::uint64_t list_categories(std::size_t d) const;
    /// The longest walk a resident of age group `age` makes for a need, metres.
    double max_walk_metres(int age) const {
        return max_walk_minutes * 60.0 * walking_speed[static_cast<std::size_t>(age)];
    }
};

/// Parses and validates scenario TOML. Every problem of the file is collected and thrown
/// at once as a ConfigError: one line each, "file:line:column: key.path: value: expected".
/// With `check_files` false, the data files it names (network.osm, ...) need not exist: a
/// scenario recorded in a results file, read where those files are not.
Scenario parse_scenario(const std::string& text, const std::string& path, bool check_files = true);
/// Reads and validates a scenario file.
Scenario load_scenario(const std::string& path);
/// The built-in default scenario (configs/yunfu.toml, compiled in: needs no file).
Scenario builtin_yunfu();
/// Name under which the built-in scenario reports errors and is recorded.
inline constexpr const char* kBuiltinYunfuName = "<built-in configs/yunfu.toml>";

}  // namespace lifecircle
