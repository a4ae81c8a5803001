#include "sim/results_schema.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <type_traits>

namespace lifecircle {

namespace detail {

template <class T>
constexpr const char* type_name() {
    if constexpr (std::is_same_v<T, std::int8_t>) return "int8";
    if constexpr (std::is_same_v<T, std::uint8_t>) return "uint8";
    if constexpr (std::is_same_v<T, std::uint16_t>) return "uint16";
    if constexpr (std::is_same_v<T, std::int32_t>) return "int32";
    if constexpr (std::is_same_v<T, std::uint32_t>) return "uint32";
    if constexpr (std::is_same_v<T, std::int64_t>) return "int64";
    if constexpr (std::is_same_v<T, float>) return "float32";
    if constexpr (std::is_same_v<T, double>) return "float64";
}

/// A column of one of the record tables: member `field` of each row of `rows`.
template <class Row, class T>
ResultsColumn record(const char* table, const char* name, std::vector<Row> Results::*rows, T Row::*field,
                     const char* unit, const char* meaning) {
    ResultsColumn c{table, name, type_name<T>(), unit, meaning, {}, {}, {}, {}};
    c.write = [rows, field](H5File& f, const std::string& path, const Results& r) {
        f.write_column(path, r.*rows, field);
    };
    c.read = [rows, field](const H5File& f, const std::string& path, Results& r) {
        const auto values = f.read<T>(path);
        auto& table = r.*rows;
        table.resize(values.size());
        for (std::size_t i = 0; i < values.size(); ++i) table[i].*field = values[i];
    };
    c.append = [rows, field](H5File& f, const std::string& path, const Results& r, std::size_t from) {
        const auto& table = r.*rows;
        std::vector<T> values;
        values.reserve(table.size() - std::min(from, table.size()));
        for (std::size_t i = from; i < table.size(); ++i) values.push_back(table[i].*field);
        if (f.exists(path))
            f.append<T>(path, values);
        else
            f.write_extendible<T>(path, values);
    };
    return c;
}

/// A column computed from the run's results, stored as T.
template <class T, class F>
ResultsColumn computed(const char* table, const char* name, const char* unit, const char* meaning, F values) {
    ResultsColumn c{table, name, type_name<T>(), unit, meaning, {}, {}, {}, {}};
    c.write = [values](H5File& f, const std::string& path, const Results& r) { values(f, path, r); };
    return c;
}

std::int32_t or_minus_one(std::uint16_t d) { return d == kNoDistrict ? -1 : static_cast<std::int32_t>(d); }

// A table, one entry a column, not steps: its length is the number of columns.
std::vector<ResultsColumn> make_columns() {
    using DM = DistrictMonth;
    using CY = CategoryYear;
    using FM = FacilityMonth;
    using PR = Project;
    constexpr auto dm = &Results::district_month;
    constexpr auto cy = &Results::category_year;
    constexpr auto fm = &Results::facility_month;
    constexpr auto pr = &Results::projects;
    const char* D = "district_month";
    const char* C = "category_year";
    const char* M = "facility_month";
    const char* P = "projects";
    const char* F = "facilities";
    auto facilities = [](auto field) {
        return [field](H5File& f, const std::string& path, const Results& r) {
            f.write_column(path, r.world.facilities, field);
        };
    };
    return {
        record(D, "district", dm, &DM::district, "index", "row of /names/district"),
        record(D, "year", dm, &DM::year, "year", "calendar year"),
        record(D, "month", dm, &DM::month, "month", "1-12"),
        record(D, "residents", dm, &DM::residents, "persons", "residents at the month's end"),
        record(D, "needs", dm, &DM::needs, "needs", "needs that arose; needs = served + delivered + unmet"),
        record(D, "served", dm, &DM::served, "needs", "needs served by a walk to an open facility"),
        record(D, "delivered", dm, &DM::delivered, "needs", "needs delivered to the door"),
        record(D, "unmet", dm, &DM::unmet, "needs", "needs neither served nor delivered"),
        record(D, "night_needs", dm, &DM::night_needs, "needs", "needs in slots between 22:00 and 06:00"),
        record(D, "night_served", dm, &DM::night_served, "needs", "night needs served"),
        record(D, "night_delivered", dm, &DM::night_delivered, "needs", "night needs delivered"),
        record(D, "spend_fen", dm, &DM::spend_fen, "fen", "residents' spending at local facilities (1/100 yuan)"),
        record(D, "walk_deciminutes", dm, &DM::walk_deciminutes, "1/10 minute",
               "walking time of served trips, one way"),
        record(D, "served_15min", dm, &DM::served_15min, "needs",
               "served needs whose walk took 15 minutes or less (15-minute usage)"),
        record(D, "satisfied", dm, &DM::satisfied, "persons", "residents satisfied at the month's end"),
        record(D, "survey_n", dm, &DM::survey_n, "persons", "emulated survey: respondents"),
        record(D, "survey_satisfied", dm, &DM::survey_satisfied, "persons", "emulated survey: satisfied respondents"),
        record(D, "survey_low", dm, &DM::survey_low, "share 0-1", "Wilson 95% interval of the survey share, low"),
        record(D, "survey_high", dm, &DM::survey_high, "share 0-1", "Wilson 95% interval of the survey share, high"),
        record(D, "shops_open", dm, &DM::shops_open, "facilities",
               "facilities of the district open at the month's end"),
        record(D, "openings", dm, &DM::openings, "facilities", "market entries during the month"),
        record(D, "closures", dm, &DM::closures, "facilities", "closures during the month"),
        record(D, "in_programme", dm, &DM::in_programme, "0/1", "1 once the district has joined the programme"),
        record(D, "subsidy_fen", dm, &DM::subsidy_fen, "fen", "public cost: rent waived and operating grants paid"),
        record(D, "capital_fen", dm, &DM::capital_fen, "fen",
               "public cost: fit-out and equipment of facilities the plan opened"),
        record(D, "support_fen", dm, &DM::support_fen, "fen", "public cost: operating support paid per visit"),
        record(D, "operating_fen", dm, &DM::operating_fen, "fen",
               "public cost: the plan's public facilities' running cost less takings, and contract operators' "
               "deficits covered up to the cap"),
        record(D, "public_baseline_fen", dm, &DM::public_baseline_fen, "fen",
               "public money for facilities there before the plan (running cost, contract cover, support per "
               "visit): the city's own, not the plan's cost"),

        record(C, "district", cy, &CY::district, "index", "row of /names/district"),
        record(C, "category", cy, &CY::category, "index", "row of /names/category"),
        record(C, "year", cy, &CY::year, "year", "calendar year"),
        record(C, "needs", cy, &CY::needs, "needs", "needs of the year"),
        record(C, "served", cy, &CY::served, "needs", "served"),
        record(C, "delivered", cy, &CY::delivered, "needs", "delivered"),
        record(C, "unmet", cy, &CY::unmet, "needs", "unmet"),
        record(C, "shops_open", cy, &CY::shops_open, "facilities",
               "open at the year's end, multi-function shops counted in each category they serve"),
        record(C, "in_ring", cy, &CY::in_ring, "share 0-1",
               "residents whose nearest open facility lies inside the ring at their walking speed"),

        record(M, "facility", fm, &FM::facility, "index", "row of /facilities"),
        record(M, "year", fm, &FM::year, "year", "calendar year"),
        record(M, "month", fm, &FM::month, "month", "1-12"),
        record(M, "visits", fm, &FM::visits, "visits", "visits in the month"),
        record(M, "revenue_fen", fm, &FM::revenue_fen, "fen", "residents' spending at the facility"),
        record(M, "profit_fen", fm, &FM::profit_fen, "fen", "gross margin less costs after subsidies (0: no account)"),
        record(M, "open", fm, &FM::open, "0/1", "open at the month's end"),

        record(P, "district", pr, &PR::district, "index", "row of /names/district"),
        record(P, "category", pr, &PR::category, "index", "row of /names/category"),
        record(P, "list", pr, &PR::list, "index",
               "the circle_plan event that drew the list (row of the scenario's events); -1: a re-tender of a site "
               "whose contract operator left"),
        record(P, "round", pr, &PR::round, "count", "1: the district's first list, 2: its second..."),
        record(P, "rank", pr, &PR::rank, "count", "1: the category's site that adds the most"),
        record(P, "site", pr, &PR::site, "index", "network node"),
        record(P, "x", pr, &PR::x, "metres", "east of the map origin: the site"),
        record(P, "y", pr, &PR::y, "metres", "north of the map origin: the site"),
        record(P, "idle", pr, &PR::idle, "0/1", "1: at one of the district's idle public sites (plan item 13)"),
        record(P, "gain", pr, &PR::gain, "persons", "the category's users newly inside their ring, as drawn"),
        record(P, "in_ring", pr, &PR::in_ring, "share 0-1", "the category's users inside their ring before the list"),
        record(P, "in_ring_after", pr, &PR::in_ring_after, "share 0-1", "with the list's sites so far"),
        record(P, "cost_yuan", pr, &PR::cost_yuan, "yuan", "fit-out: fitout_yuan_m2 x floor area"),
        record(P, "exact", pr, &PR::exact, "0/1", "1: sited by exact maximal covering (HiGHS), 0: greedy"),
        record(P, "gap", pr, &PR::gap, "share 0-1", "the exact solver's proven optimality gap (0: optimal)"),
        record(P, "drawn_day", pr, &PR::drawn_day, "days since 1970-01-01", "the list's date"),
        record(P, "open_day", pr, &PR::open_day, "days since 1970-01-01", "the project's opening date"),
        record(P, "facility", pr, &PR::facility, "index", "row of /facilities it opened, -1 not yet"),
        record(P, "operator", pr, &PR::operator_, "code",
               "who runs it: 0 private, 1 public, 2 public_private (government-built, company-run)"),
        record(P, "origin", pr, &PR::origin, "code", "origin of the facility it opens (as /facilities/origin)"),
        record(P, "expected_profit_yuan", pr, &PR::expected_profit_yuan, "yuan a month",
               "a private project's expected profit as drawn (the market's entry estimate; 0 for others)"),
        record(P, "support_yuan_month", pr, &PR::support_yuan_month, "yuan a month",
               "the operating grant the list gives it to break even (public cost)"),

        record("score_month", "year", &Results::score_month, &ScoreMonth::year, "year",
               "a month whose score inputs are recorded ([satisfaction] record)"),
        record("score_month", "month", &Results::score_month, &ScoreMonth::month, "month", "1-12"),
        record("score_month", "month_index", &Results::score_month, &ScoreMonth::month_index, "months",
               "months since the first simulated one (the emulated survey's draws)"),
        record("score_month", "residents", &Results::score_month, &ScoreMonth::residents, "persons",
               "residents that month: the first this many rows of /residents, and its rows of /score_resident"),
        record("score_resident", "needs", &Results::score_resident, &ScoreResident::needs, "needs",
               "a resident's needs in the month (rows: each recorded month's residents in turn)"),
        record("score_resident", "unmet", &Results::score_resident, &ScoreResident::unmet, "needs", "of them unmet"),
        record("score_resident", "night_unmet", &Results::score_resident, &ScoreResident::night_unmet, "0/1",
               "1 if a night need went unmet"),
        record("score_place", "basic", &Results::score_place, &ScorePlace::basic, "score 0-1",
               "mean ring score of the basic categories (rows: each recorded month's nodes x age groups)"),
        record("score_place", "quality", &Results::score_place, &ScorePlace::quality, "score 0-1",
               "mean ring score of the quality categories"),
        record("score_place", "government", &Results::score_place, &ScorePlace::government, "score 0-1",
               "mean ring score of the government services"),

        computed<std::uint32_t>(F, "node", "index", "network node", facilities(&Facility::node)),
        computed<double>(F, "x", "metres", "east of the map origin: its own position (OSM: the mapped point)",
                         [](H5File& f, const std::string& p, const Results& r) {
                             f.write_column<double>(p, r.world.facilities, [&](const Facility& x) {
                                 return r.world.network.x()[x.node] + static_cast<double>(x.dx);
                             });
                         }),
        computed<double>(F, "y", "metres", "north of the map origin: its own position",
                         [](H5File& f, const std::string& p, const Results& r) {
                             f.write_column<double>(p, r.world.facilities, [&](const Facility& x) {
                                 return r.world.network.y()[x.node] + static_cast<double>(x.dy);
                             });
                         }),
        computed<std::int64_t>(F, "osm_id", "id", "OpenStreetMap node id, or minus the way id; 0 = synthetic",
                               facilities(&Facility::osm_id)),
        computed<std::int32_t>(F, "category", "index", "primary category, row of /names/category",
                               [](H5File& f, const std::string& p, const Results& r) {
                                   f.write_column<std::int32_t>(p, r.world.facilities, &Facility::category);
                               }),
        computed<std::int32_t>(F, "district", "index", "row of /names/district, -1 none",
                               [](H5File& f, const std::string& p, const Results& r) {
                                   f.write_column<std::int32_t>(p, r.world.facilities, [](const Facility& x) {
                                       return or_minus_one(x.district);
                                   });
                               }),
        computed<std::int32_t>(F, "opened_day", "days since 1970-01-01", "0 = before the run",
                               facilities(&Facility::opened_day)),
        computed<std::int32_t>(F, "closed_day", "days since 1970-01-01", "-1 = still open",
                               facilities(&Facility::closed_day)),
        computed<std::uint8_t>(F, "origin", "code", "0 baseline, 1 planned by policy, 2 market entry, 3 mobile vendor",
                               [](H5File& f, const std::string& p, const Results& r) {
                                   f.write_column<std::uint8_t>(p, r.world.facilities, [](const Facility& x) {
                                       return static_cast<std::uint8_t>(x.origin);
                                   });
                               }),
        computed<std::uint8_t>(
            F, "operator", "code", "0 private, 1 public, 2 public_private (government-built, company-run)",
            [](H5File& f, const std::string& p, const Results& r) {
                f.write_column<std::uint8_t>(p, r.world.facilities,
                                             [](const Facility& x) { return static_cast<std::uint8_t>(x.operator_); });
            }),
        computed<std::int64_t>(F, "extra_categories", "bit mask", "bit c: also serves category c (multi-function)",
                               [](H5File& f, const std::string& p, const Results& r) {
                                   f.write_column<std::int64_t>(p, r.world.facilities, &Facility::extra_categories);
                               }),
        computed<std::int64_t>(F, "cash_fen", "fen", "cash reserve at the end", facilities(&Facility::cash_fen)),
        computed<float>(F, "open_hour", "hour", "opening hour", facilities(&Facility::open_hour)),
        computed<float>(F, "close_hour", "hour", "closing hour (may exceed 24)", facilities(&Facility::close_hour)),
        computed<std::int64_t>(F, "open_slots", "bit mask",
                               "bit s: open during time slot s (hours overlapping it; a mobile vendor's windows)",
                               [](H5File& f, const std::string& p, const Results& r) {
                                   f.write_column<std::int64_t>(p, r.world.facilities, &Facility::slot_mask);
                               }),
        computed<float>(F, "floor_area_m2", "m2", "floor area", facilities(&Facility::floor_area_m2)),

        computed<double>(
            "network", "x", "metres", "east of the map origin",
            [](H5File& f, const std::string& p, const Results& r) { f.write<double>(p, r.world.network.x()); }),
        computed<double>(
            "network", "y", "metres", "north of the map origin",
            [](H5File& f, const std::string& p, const Results& r) { f.write<double>(p, r.world.network.y()); }),
        computed<std::int32_t>("network", "district", "index", "row of /names/district, -1 none",
                               [](H5File& f, const std::string& p, const Results& r) {
                                   f.write_column<std::int32_t>(p, r.world.node_district, or_minus_one);
                               }),
        computed<std::uint8_t>("network", "commercial", "0/1", "1 = candidate site for new shops",
                               [](H5File& f, const std::string& p, const Results& r) {
                                   f.write<std::uint8_t>(p, r.world.node_commercial);
                               }),
        computed<std::uint32_t>("network", "edge_from", "index", "node row of the edge's first end",
                                [](H5File& f, const std::string& p, const Results& r) {
                                    f.write<std::uint32_t>(p, r.world.network.edge_from());
                                }),
        computed<std::uint32_t>("network", "edge_to", "index", "node row of the edge's other end",
                                [](H5File& f, const std::string& p, const Results& r) {
                                    f.write<std::uint32_t>(p, r.world.network.edge_to());
                                }),
        computed<double>("network", "edge_length", "metres", "walking length of the edge",
                         [](H5File& f, const std::string& p, const Results& r) {
                             f.write<double>(p, r.world.network.edge_length());
                         }),

        computed<std::uint32_t>("residents", "home_node", "index", "network node of the home",
                                [](H5File& f, const std::string& p, const Results& r) {
                                    f.write<std::uint32_t>(p, r.world.residents.home_node);
                                }),
        computed<std::uint32_t>("residents", "household", "index", "household (members are contiguous)",
                                [](H5File& f, const std::string& p, const Results& r) {
                                    f.write<std::uint32_t>(p, r.world.residents.household);
                                }),
        computed<std::uint16_t>("residents", "district", "index", "row of /names/district",
                                [](H5File& f, const std::string& p, const Results& r) {
                                    f.write<std::uint16_t>(p, r.world.residents.district);
                                }),
        computed<std::uint8_t>(
            "residents", "age_group", "code", "0 child (0-14), 1 working age (15-59), 2 elderly (60+)",
            [](H5File& f, const std::string& p, const Results& r) { f.write<std::uint8_t>(p, r.world.residents.age); }),
        computed<std::uint8_t>("residents", "map_app", "0/1", "uses the map app at the end",
                               [](H5File& f, const std::string& p, const Results& r) {
                                   f.write_column<std::uint8_t>(p, r.world.residents.flags, [](std::uint8_t x) {
                                       return x & Residents::kMapApp ? 1 : 0;
                                   });
                               }),
        computed<std::int32_t>(
            "residents", "added_day", "days since 1970-01-01", "day the resident moved in, 0 = before the run",
            [](H5File& f, const std::string& p, const Results& r) { f.write<std::int32_t>(p, r.resident_added_day); }),
    };
}

}  // namespace detail

namespace detail {

/// Each record column's `over_year`: the time tables' keys and states named here, every other
/// column of them a flow.
std::vector<ResultsColumn> with_over_year(std::vector<ResultsColumn> columns) {
    const std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> tables{
        {"district_month",
         {{"district", "year", "month"},
          {"residents", "satisfied", "survey_n", "survey_satisfied", "survey_low", "survey_high", "shops_open",
           "in_programme"}}},
        {"category_year", {{"district", "category", "year"}, {"shops_open", "in_ring"}}},
        {"facility_month", {{"facility", "year", "month"}, {"open"}}},
    };
    for (auto& c : columns) {
        const auto t = tables.find(c.table);
        if (t == tables.end()) continue;
        const auto& [keys, states] = t->second;
        c.over_year = keys.count(c.name) ? "key" : states.count(c.name) ? "end" : "sum";
    }
    return columns;
}

}  // namespace detail

const std::vector<ResultsColumn>& results_columns() {
    static const std::vector<ResultsColumn> columns = detail::with_over_year(detail::make_columns());
    return columns;
}

}  // namespace lifecircle
