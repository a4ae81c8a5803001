#include "core/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_set>

#include <toml++/toml.h>

#include "core/builtin_configs.hpp"
#include "core/error.hpp"

namespace lifecircle {

// ---------------------------------------------------------------- dates
std::int64_t Date::days() const {
    // Howard Hinnant's days_from_civil
    const int y = year - (month <= 2);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(day) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Date Date::from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

int Date::weekday() const {
    const auto d = days();  // 1970-01-01 was a Thursday (3)
    return static_cast<int>(((d % 7) + 7 + 3) % 7);
}

std::optional<Date> Date::parse(const std::string& text) {
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3) {
        const Date date{y, m, d};
        if (m >= 1 && m <= 12 && d >= 1 && from_days(date.days()) == date) return date;
    }
    return std::nullopt;
}

std::string Date::str() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
}

Date Scenario::first_simulated_day() const {
    if (spin_up_months <= 0) return start;
    Date first{start.year, start.month - spin_up_months, 1};
    while (first.month < 1) {
        first.month += 12;
        --first.year;
    }
    return first;
}

int Scenario::category_index(const std::string& key) const {
    for (std::size_t i = 0; i < categories.size(); ++i)
        if (categories[i].key == key) return static_cast<int>(i);
    return -1;
}

int Scenario::district_index(const std::string& n) const {
    for (std::size_t i = 0; i < districts.size(); ++i)
        if (districts[i].name == n || districts[i].pinyin == n) return static_cast<int>(i);
    return -1;
}

int Scenario::slot_index(const std::string& n) const {
    for (std::size_t i = 0; i < slots.size(); ++i)
        if (slots[i].name == n) return static_cast<int>(i);
    return -1;
}

std::int64_t Scenario::total_population() const {
    std::int64_t sum = 0;
    for (const auto& d : districts) sum += d.population;
    return sum;
}

namespace detail {

/// Every problem found in a file, each "file:line:column: key: value: expected".
class Problems {
  public:
    explicit Problems(std::string file) : m_file(std::move(file)) {}
    void add(const toml::source_region& where, const std::string& key, const std::string& what) {
        std::ostringstream out;
        out << m_file << ':' << where.begin.line << ':' << where.begin.column << ": " << key << ": " << what;
        m_list.emplace_back(where.begin.line, where.begin.column, out.str());
    }
    void add_file(const std::string& key, const std::string& what) {
        m_list.emplace_back(0, 0, m_file + ": " + key + ": " + what);
    }
    bool empty() const { return m_list.empty(); }
    std::string joined() const {
        auto sorted = m_list;
        std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
            return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
        });
        std::string out =
            std::to_string(sorted.size()) + " problem" + (sorted.size() == 1 ? "" : "s") + " in " + m_file + ":";
        for (const auto& p : sorted) out += "\n" + std::get<2>(p);
        return out;
    }

  private:
    std::string m_file;
    std::vector<std::tuple<std::uint32_t, std::uint32_t, std::string>> m_list;
};

std::string show(const toml::node& node) {
    std::ostringstream out;
    if (auto s = node.as_string())
        out << '"' << s->get() << '"';
    else
        node.visit([&out](auto&& n) { out << n; });
    std::string text = out.str();
    std::replace(text.begin(), text.end(), '\n', ' ');
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

std::string fmt(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

/// Reads the keys of one table, each checked; remembers which keys it asked for, so that
/// finish() can name the unknown ones and what was expected instead.
class TableReader {
  public:
    TableReader(const toml::table& table, std::string path, Problems& problems)
        : m_table(table), m_path(std::move(path)), m_problems(problems) {}

    std::string key_path(const std::string& key) const { return m_path.empty() ? key : m_path + "." + key; }
    const toml::table& table() const { return m_table; }
    const std::string& path() const { return m_path; }

    const toml::node* get(const std::string& key, bool required, const char* expected) {
        m_known.insert(key);
        const toml::node* node = m_table.get(key);
        if (!node && required)
            m_problems.add(m_table.source(), key_path(key), std::string("missing; expected ") + expected);
        return node;
    }

    void bad(const toml::node& node, const std::string& key, const std::string& expected) {
        m_problems.add(node.source(), key_path(key), show(node) + ": expected " + expected);
    }

    std::optional<double> number(const std::string& key, bool required, double lo, double hi, const std::string& unit) {
        const std::string expected = "a number from " + fmt(lo) + " to " + fmt(hi) + unit;
        const auto* node = get(key, required, expected.c_str());
        if (!node) return std::nullopt;
        if (!node->is_number()) return bad(*node, key, expected), std::nullopt;
        const double v = node->value<double>().value_or(NAN);
        if (!std::isfinite(v) || v < lo || v > hi) return bad(*node, key, expected), std::nullopt;
        return v;
    }

    std::optional<std::int64_t> integer(const std::string& key, bool required, std::int64_t lo, std::int64_t hi,
                                        const std::string& unit = "") {
        const std::string expected = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + unit;
        const auto* node = get(key, required, expected.c_str());
        if (!node) return std::nullopt;
        if (!node->is_integer()) return bad(*node, key, expected), std::nullopt;
        const auto v = *node->value<std::int64_t>();
        if (v < lo || v > hi) return bad(*node, key, expected), std::nullopt;
        return v;
    }

    std::optional<std::string> string(const std::string& key, bool required,
                                      const std::vector<std::string>& allowed = {}) {
        std::string expected = "a string";
        if (!allowed.empty()) {
            expected = "one of";
            for (const auto& a : allowed) expected += " \"" + a + "\"";
        }
        const auto* node = get(key, required, expected.c_str());
        if (!node) return std::nullopt;
        const auto* s = node->as_string();
        if (!s || (!allowed.empty() && std::find(allowed.begin(), allowed.end(), s->get()) == allowed.end()))
            return bad(*node, key, expected), std::nullopt;
        if (allowed.empty() && s->get().empty()) return bad(*node, key, "a non-empty string"), std::nullopt;
        return s->get();
    }

    std::optional<bool> boolean(const std::string& key, bool required) {
        const auto* node = get(key, required, "true or false");
        if (!node) return std::nullopt;
        if (!node->is_boolean()) return bad(*node, key, "true or false"), std::nullopt;
        return node->value<bool>();
    }

    std::optional<Date> date(const std::string& key, bool required) {
        const char* expected = "a date such as 2024-01-01";
        const auto* node = get(key, required, expected);
        if (!node) return std::nullopt;
        if (const auto d = node->value<toml::date>()) return Date{d->year, d->month, d->day};
        if (const auto s = node->value<std::string>()) {  // "2024-01-01" as a string
            int y = 0, m = 0, dd = 0;
            char tail = 0;
            if (std::sscanf(s->c_str(), "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3) {
                const Date date{y, m, dd};
                if (m >= 1 && m <= 12 && dd >= 1 && Date::from_days(date.days()) == date) return date;
            }
        }
        bad(*node, key, expected);
        return std::nullopt;
    }

    const toml::table* subtable(const std::string& key, bool required) {
        const auto* node = get(key, required, "a table");
        if (!node) return nullptr;
        if (!node->is_table()) return bad(*node, key, "a table"), nullptr;
        return node->as_table();
    }

    const toml::array* array(const std::string& key, bool required, const char* expected) {
        const auto* node = get(key, required, expected);
        if (!node) return nullptr;
        if (!node->is_array()) return bad(*node, key, expected), nullptr;
        return node->as_array();
    }

    std::vector<std::string> strings(const std::string& key, bool required) {
        std::vector<std::string> out;
        const auto* arr = array(key, required, "an array of strings");
        if (!arr) return out;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const auto* s = arr->get(i)->as_string();
            if (!s || s->get().empty())
                m_problems.add(arr->get(i)->source(), key_path(key) + "[" + std::to_string(i) + "]",
                               show(*arr->get(i)) + ": expected a non-empty string");
            else
                out.push_back(s->get());
        }
        return out;
    }

    /// An array of dates (TOML dates or "YYYY-MM-DD" strings).
    std::vector<Date> dates(const std::string& key, bool required) {
        std::vector<Date> out;
        const auto* arr = array(key, required, "an array of dates");
        if (!arr) return out;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const auto* node = arr->get(i);
            std::optional<Date> date;
            if (const auto d = node->value<toml::date>()) date = Date{d->year, d->month, d->day};
            if (const auto s = node->value<std::string>()) date = Date::parse(*s);
            if (date)
                out.push_back(*date);
            else
                m_problems.add(node->source(), key_path(key) + "[" + std::to_string(i) + "]",
                               show(*node) + ": expected a date such as 2025-06-30");
        }
        return out;
    }

    /// An array of integers in [lo, hi] (e.g. network node indices).
    std::vector<std::int64_t> integers(const std::string& key, bool required, std::int64_t lo, std::int64_t hi) {
        std::vector<std::int64_t> out;
        const auto* arr = array(key, required, "an array of integers");
        if (!arr) return out;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const auto* v = arr->get(i)->as_integer();
            if (!v || v->get() < lo || v->get() > hi)
                m_problems.add(arr->get(i)->source(), key_path(key) + "[" + std::to_string(i) + "]",
                               show(*arr->get(i)) + ": expected an integer from " + std::to_string(lo) + " to " +
                                   std::to_string(hi));
            else
                out.push_back(v->get());
        }
        return out;
    }

    /// Reports keys that no reader asked for.
    void finish() {
        for (const auto& [k, node] : m_table) {
            const std::string key(k.str());
            if (m_known.count(key)) continue;
            std::string expected;
            for (const auto& known : m_known) expected += (expected.empty() ? "" : ", ") + known;
            m_problems.add(node.source(), key_path(key), "unknown key; expected one of: " + expected);
        }
    }

  private:
    const toml::table& m_table;
    std::string m_path;
    Problems& m_problems;
    std::set<std::string> m_known;
};

/// Reads [opening, closing] hours with 0 <= opening < closing <= 24.
std::optional<std::pair<double, double>> hours(TableReader& r, const std::string& key, bool required,
                                               Problems& problems) {
    const auto* arr = r.array(key, required, "[opening hour, closing hour], 0-24");
    if (!arr) return std::nullopt;
    const auto open = arr->size() == 2 ? arr->get(0)->value<double>() : std::nullopt;
    const auto close = arr->size() == 2 ? arr->get(1)->value<double>() : std::nullopt;
    if (!open || !close || *open < 0 || *close > 24 || *open >= *close) {
        problems.add(
            arr->source(), r.key_path(key),
            show(*arr) +
                ": expected [opening, closing] hours with 0 <= opening < closing <= 24 ([0, 24] = open all day)");
        return std::nullopt;
    }
    return std::pair{*open, *close};
}

/// Reads an array of [x, y] points (metres east and north of the map origin).
std::vector<std::array<double, 2>> points(TableReader& r, const std::string& key, Problems& problems) {
    std::vector<std::array<double, 2>> out;
    const auto* arr = r.array(key, false, "an array of [x, y] points, metres");
    if (!arr) return out;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto* p = arr->get(i)->as_array();
        std::array<double, 2> xy{};
        bool ok = p && p->size() == 2;
        for (std::size_t k = 0; ok && k < 2; ++k) {
            const auto v = p->get(k)->value<double>();
            ok = v.has_value() && std::isfinite(v.value_or(0.0));
            xy[k] = v.value_or(0.0);
        }
        if (!ok)
            problems.add(arr->get(i)->source(), r.key_path(key) + "[" + std::to_string(i) + "]",
                         show(*arr->get(i)) + ": expected [x, y] in metres");
        else
            out.push_back(xy);
    }
    return out;
}

/// Reads a table of per-age-group numbers {child, working, elderly}.
std::optional<std::array<double, kAgeGroups>> age_table(TableReader& parent, const std::string& key, bool required,
                                                        double lo, double hi, const std::string& unit,
                                                        Problems& problems) {
    const auto* t = parent.subtable(key, required);
    if (!t) return std::nullopt;
    TableReader r(*t, parent.key_path(key), problems);
    std::array<double, kAgeGroups> out{};
    bool ok = true;
    for (int a = 0; a < kAgeGroups; ++a) {
        const auto v = r.number(kAgeGroupNames[a], true, lo, hi, unit);
        if (v)
            out[a] = *v;
        else
            ok = false;
    }
    r.finish();
    return ok ? std::optional(out) : std::nullopt;
}

bool close_to_one(double sum) { return std::abs(sum - 1.0) <= 1e-3; }

std::string resolve(const std::string& base_file, const std::string& rel) {
    namespace fs = std::filesystem;
    const fs::path p(rel);
    if (p.is_absolute()) return p.string();
    return (fs::path(base_file).parent_path() / p).lexically_normal().string();
}

void read_simulation(TableReader& root, Scenario& sc, Problems& problems) {
    if (const auto* t = root.subtable("simulation", true)) {
        TableReader r(*t, "simulation", problems);
        if (auto v = r.string("name", false)) sc.name = *v;
        if (auto v = r.date("start", true)) sc.start = *v;
        if (auto v = r.date("end", true)) sc.end = *v;
        if (auto v = r.integer("seed", false, 0, std::numeric_limits<std::int64_t>::max()))
            sc.seed = static_cast<std::uint64_t>(*v);
        if (auto v = r.number("satisfaction_target", false, 0.0, 1.0, " (a share)")) sc.satisfaction_target = *v;
        if (auto v = r.integer("survey_sample", false, 10, 100000, " residents"))
            sc.survey_sample = static_cast<int>(*v);
        if (auto v = r.integer("spin_up_months", false, 0, 60, " months")) sc.spin_up_months = static_cast<int>(*v);
        if (auto v = r.number("max_walk_minutes", false, 1, 60, " minutes")) sc.max_walk_minutes = *v;
        if (sc.start >= sc.end)
            problems.add(t->source(), "simulation.end",
                         sc.end.str() + ": expected a date after start (" + sc.start.str() + ")");
        r.finish();
    }
    if (auto v = age_table(root, "walking_speed", true, 0.3, 2.5, " m/s", problems)) sc.walking_speed = *v;
    if (auto v = age_table(root, "map_app", false, 0.0, 1.0, " (a share)", problems)) sc.map_app_use = *v;
}

void read_models(TableReader& root, Scenario& sc, Problems& problems) {
    if (const auto* t = root.subtable("satisfaction", false)) {
        TableReader r(*t, "satisfaction", problems);
        auto& m = sc.satisfaction;
        for (auto [key, field] : {std::pair{"weight_basic", &m.weight_basic},
                                  {"weight_quality", &m.weight_quality},
                                  {"weight_government", &m.weight_government},
                                  {"weight_unmet", &m.weight_unmet},
                                  {"weight_night", &m.weight_night}})
            if (auto v = r.number(key, false, 0, 1, " (a weight)")) *field = *v;
        if (auto v = r.number("threshold_mean", false, 0, 1, " (a score)")) m.threshold_mean = *v;
        if (auto v = r.number("threshold_sd", false, 0, 1, " (a score)")) m.threshold_sd = *v;
        if (auto v = r.string("record", false, {kScoreRecordNames.begin(), kScoreRecordNames.end()}))
            m.record = static_cast<ScoreRecord>(std::find(kScoreRecordNames.begin(), kScoreRecordNames.end(), *v) -
                                                kScoreRecordNames.begin());
        m.record_dates = r.dates("record_dates", false);
        for (std::size_t i = 0; i < m.record_dates.size(); ++i)
            if (m.record_dates[i].days() < sc.start.days() || m.record_dates[i].days() > sc.end.days())
                problems.add(t->source(), "satisfaction.record_dates[" + std::to_string(i) + "]",
                             m.record_dates[i].str() + ": expected a date of the run, " + sc.start.str() + " to " +
                                 sc.end.str());
        const double sum = m.weight_basic + m.weight_quality + m.weight_government + m.weight_unmet + m.weight_night;
        if (!close_to_one(sum))
            problems.add(t->source(), "satisfaction", "weights sum to " + fmt(sum) + ": expected 1");
        r.finish();
    }
    if (const auto* t = root.subtable("economics", false)) {
        TableReader r(*t, "economics", problems);
        auto& m = sc.economics;
        if (auto v = r.number("breakeven_share", false, 0, 2, " (a share of costs)")) m.breakeven_share = *v;
        if (auto v = r.integer("loss_months", false, 1, 60, " months")) m.loss_months = static_cast<int>(*v);
        if (auto v = r.number("young_hazard_factor", false, 0, 10, "")) m.young_hazard_factor = *v;
        if (auto v = r.number("capacity_visits_per_m2", false, 0.1, 1000, " visits per m2 a month"))
            m.capacity_visits_per_m2 = *v;
        if (auto v = r.number("entry_rate", false, 0, 100, " (a monthly rate per unit of profit / fixed costs)"))
            m.entry_rate = *v;
        if (auto v = r.integer("entry_sites", false, 1, 10000, " sites a district"))
            m.entry_sites = static_cast<int>(*v);
        if (auto v = r.number("night_staff_yuan_hour", false, 0, 1e4, " yuan an hour")) m.night_staff_yuan_hour = *v;
        r.finish();
    }
    if (const auto* t = root.subtable("delivery", false)) {
        TableReader r(*t, "delivery", problems);
        auto& m = sc.delivery;
        if (auto v = age_table(r, "app_users", false, 0.0, 1.0, " (a share)", problems)) m.app_users = *v;
        if (auto v = r.number("order_share", false, 0, 1, " (a share)")) m.order_share = *v;
        if (auto v = r.number("couriers_per_10k", false, 0, 1000, " couriers per 10,000 residents"))
            m.couriers_per_10k = *v;
        if (auto v = r.number("orders_per_courier_hour", false, 0, 100, " orders an hour"))
            m.orders_per_courier_hour = *v;
        if (auto v = r.number("night_couriers", false, 0, 1, " (a share)")) m.night_couriers = *v;
        if (auto v = r.number("programme_night_couriers", false, 0, 1, " (a share)")) m.programme_night_couriers = *v;
        r.finish();
    }
}

void read_slots(TableReader& root, Scenario& sc, Problems& problems) {
    const auto* arr = root.array("time_slots", true, "an array of tables [[time_slots]]");
    if (!arr) return;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        const std::string path = "time_slots[" + std::to_string(i) + "]";
        const auto* t = arr->get(i)->as_table();
        if (!t) {
            problems.add(arr->get(i)->source(), path, "expected a table with name, start, end");
            continue;
        }
        TableReader r(*t, path, problems);
        TimeSlot slot;
        const auto name = r.string("name", true);
        const auto start = r.number("start", true, 0, 24, " (hour of the day)");
        const auto end = r.number("end", true, 0, 24, " (hour of the day)");
        r.finish();
        if (!name || !start || !end) continue;
        if (*end <= *start) {
            problems.add(t->source(), path + ".end",
                         fmt(*end) + ": expected an hour after start (" + fmt(*start) + ")");
            continue;
        }
        if (sc.slot_index(*name) >= 0) {
            problems.add(t->source(), path + ".name", "\"" + *name + "\": duplicate slot name");
            continue;
        }
        sc.slots.push_back({*name, *start, *end});
    }
    if (arr->empty()) problems.add(arr->source(), "time_slots", "expected at least one time slot");
    if (arr->size() > 16)  // the choice cache keeps a 16-bit mask of open slots per facility
        problems.add(arr->source(), "time_slots", std::to_string(arr->size()) + " time slots: expected at most 16");
    // the slots must tile the day: sorted, without gaps or overlaps, from 0 to 24
    auto sorted = sc.slots;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.start_hour < b.start_hour; });
    double at = 0;
    for (const auto& s : sorted) {
        if (s.start_hour != at) {
            problems.add(arr->source(), "time_slots",
                         "slot \"" + s.name + "\" starts at " + fmt(s.start_hour) +
                             ": expected slots to cover the day without gap or overlap (previous ends at " + fmt(at) +
                             ")");
            break;
        }
        at = s.end_hour;
    }
    if (!sorted.empty() && at != 24 && problems.empty())
        problems.add(arr->source(), "time_slots",
                     "slots end at " + fmt(at) + ": expected them to cover the day up to 24");
}

void read_holidays(TableReader& root, Scenario& sc, Problems& problems) {
    const auto* arr = root.array("holidays", false, "an array of tables [[holidays]]");
    if (!arr) return;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        const std::string path = "holidays[" + std::to_string(i) + "]";
        const auto* t = arr->get(i)->as_table();
        if (!t) {
            problems.add(arr->get(i)->source(), path, "expected a table with name, start, end");
            continue;
        }
        TableReader r(*t, path, problems);
        const auto name = r.string("name", true);
        const auto start = r.date("start", true);
        const auto end = r.date("end", true);
        r.finish();
        if (!name || !start || !end) continue;
        if (*end < *start)
            problems.add(t->source(), path + ".end", end->str() + ": expected a date on or after start");
        else
            sc.holidays.push_back({*name, *start, *end});
    }
}

/// An operator (Operator) named at `key`, if given.
std::optional<Operator> operator_of(TableReader& r, const std::string& key) {
    const std::vector<std::string> names(kOperatorNames.begin(), kOperatorNames.end());
    const auto v = r.string(key, false, names);
    if (!v) return std::nullopt;
    return static_cast<Operator>(std::find(names.begin(), names.end(), *v) - names.begin());
}

void read_categories(TableReader& root, Scenario& sc, Problems& problems) {
    const auto* cats = root.subtable("categories", true);
    if (!cats) return;
    // file order, not toml++'s sorted order
    std::vector<std::pair<std::string, const toml::node*>> entries;
    for (const auto& [k, node] : *cats) entries.emplace_back(std::string(k.str()), &node);
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.second->source().begin < b.second->source().begin; });
    if (entries.empty()) problems.add(cats->source(), "categories", "expected at least one category");
    if (entries.size() > kMaxCategories)
        problems.add(
            cats->source(), "categories",
            std::to_string(entries.size()) + " categories: expected at most " + std::to_string(kMaxCategories));
    for (const auto& [key, node] : entries) {
        const std::string path = "categories." + key;
        const auto* t = node->as_table();
        if (!t) {
            problems.add(node->source(), path, show(*node) + ": expected a table [" + path + "]");
            continue;
        }
        TableReader r(*t, path, problems);
        Category c;
        c.key = key;
        if (auto v = r.string("zh", true)) c.zh = *v;
        if (auto v = r.string("en", true)) c.en = *v;
        if (auto v = r.string("class", true, {"basic", "quality", "government"}))
            c.cls = *v == "basic"     ? CategoryClass::basic
                    : *v == "quality" ? CategoryClass::quality
                                      : CategoryClass::government;
        // the ring: minutes (the plan's tiers and the standard's 5-minute one) or metres (as
        // GB 50180-2018 and the MOFCOM guideline write a service radius); exactly one of them
        const char* minutes_expected = "5, 10 (the 5-10 minute ring) or 15 minutes, or ring_metres instead";
        if (t->contains("ring_minutes") && t->contains("ring_metres"))
            problems.add(t->get("ring_metres")->source(), path + ".ring_metres",
                         "both ring_minutes and ring_metres: expected one of them");
        if (const auto* node_ring = r.get("ring_minutes", !t->contains("ring_metres"), minutes_expected)) {
            const auto v = node_ring->value<double>();
            if (!node_ring->is_number() || !v || (*v != 5.0 && *v != 10.0 && *v != 15.0))
                r.bad(*node_ring, "ring_minutes", minutes_expected);
            else
                c.ring_minutes = *v;
        }
        if (auto v = r.number("ring_metres", false, 50, 2000, " metres (a service radius along the walk)")) {
            c.ring_metres = *v;
            c.ring_minutes = 0;
        }
        if (const auto h = hours(r, "hours", true, problems)) std::tie(c.open_hour, c.close_hour) = *h;
        if (auto v = r.boolean("household", false)) c.household = *v;
        if (const auto* trips = r.subtable("trips_per_day", true)) {
            TableReader tr(*trips, path + ".trips_per_day", problems);
            for (int d = 0; d < kDayTypes; ++d)
                if (auto v = age_table(tr, kDayTypeNames[d], true, 0.0, 10.0, " trips per person per day", problems))
                    c.trips_per_day[d] = *v;
            tr.finish();
        }
        c.slot_profile.assign(sc.slots.size(), 0.0);
        if (const auto* prof = r.subtable("slot_profile", true)) {
            double sum = 0;
            for (const auto& [sk, sv] : *prof) {
                const std::string slot(sk.str());
                const int s = sc.slot_index(slot);
                const auto v = sv.value<double>();
                if (s < 0) {
                    std::string names;
                    for (const auto& ts : sc.slots) names += (names.empty() ? "" : ", ") + ts.name;
                    problems.add(sv.source(), path + ".slot_profile." + slot,
                                 "unknown time slot; expected one of: " + names);
                } else if (!sv.is_number() || !v || *v < 0 || *v > 1) {
                    problems.add(sv.source(), path + ".slot_profile." + slot,
                                 show(sv) + ": expected a share from 0 to 1");
                } else {
                    c.slot_profile[s] = *v;
                    sum += *v;
                }
            }
            if (!close_to_one(sum))
                problems.add(prof->source(), path + ".slot_profile", "shares sum to " + fmt(sum) + ": expected 1");
        }
        if (auto v = r.number("spend_yuan", true, 0, 1e5, " yuan per visit")) c.spend_yuan = *v;
        if (auto v = r.number("gross_margin", true, 0, 1, " (a share of revenue)")) c.gross_margin = *v;
        if (auto v = r.number("floor_area_m2", true, 1, 1e5, " m2")) c.floor_area_m2 = *v;
        if (auto v = r.number("rent_yuan_m2_month", true, 0, 1e4, " yuan per m2 per month")) c.rent_yuan_m2_month = *v;
        if (auto v = r.number("staff_cost_yuan_month", true, 0, 1e7, " yuan per month")) c.staff_cost_yuan_month = *v;
        if (auto v = r.number("other_cost_yuan_month", false, 0, 1e7, " yuan per month")) c.other_cost_yuan_month = *v;
        if (auto v = r.number("decay", true, 0.1, 5, " (Huff exponent b)")) c.decay = *v;
        if (auto v = r.boolean("subsidy_eligible", true)) c.subsidy_eligible = *v;
        if (auto v = r.boolean("deliverable", false)) c.deliverable = *v;
        if (auto v = r.boolean("mobile_vendor", false)) c.mobile_vendor = *v;
        if (auto v = r.boolean("round_the_clock", false)) c.round_the_clock = *v;
        if (auto v = r.number("exit_per_year", false, 0, 1, " (a yearly probability)")) c.exit_per_year = *v;
        if (auto v = r.number("fitout_yuan_m2", false, 0, 1e6, " yuan a m2")) c.fitout_yuan_m2 = *v;
        if (auto v = r.number("support_yuan_visit", false, 0, 1e4, " yuan a visit")) c.support_yuan_visit = *v;
        if (auto v = operator_of(r, "operator")) c.operator_ = *v;
        if (auto v = r.number("contract_cap_yuan_month", false, 0, 1e7, " yuan a month"))
            c.contract_cap_yuan_month = *v;
        if (auto v = r.integer("contract_months", false, 1, 120, " months")) c.contract_months = static_cast<int>(*v);
        if (auto v = r.integer("retender_months", false, 0, 120, " months")) c.retender_months = static_cast<int>(*v);
        c.counts_as = r.strings("counts_as", false);
        if (auto v = r.boolean("scored", false)) c.scored = *v;
        if (auto v = r.integer("list_sites", false, 0, 8, " sites a list (at most 8)"))
            c.list_sites = static_cast<int>(*v);
        c.osm_tags = r.strings("osm_tags", false);
        r.finish();
        sc.categories.push_back(std::move(c));
    }
    // what a category counts as must be another category (all are known only now)
    for (const auto& [key, node] : entries)
        if (const auto* t = node->as_table(); t && t->contains("counts_as"))
            for (const auto& other : sc.categories[static_cast<std::size_t>(sc.category_index(key))].counts_as)
                if (sc.category_index(other) < 0 || other == key)
                    problems.add(t->get("counts_as")->source(), "categories." + key + ".counts_as",
                                 "\"" + other + "\": expected another category defined under [categories]");
}

void read_districts(TableReader& root, Scenario& sc, Problems& problems) {
    const auto* arr = root.array("districts", true, "an array of tables [[districts]]");
    if (!arr) return;
    if (arr->empty()) problems.add(arr->source(), "districts", "expected at least one district");
    if (arr->size() > kMaxDistricts)
        problems.add(arr->source(), "districts",
                     std::to_string(arr->size()) + " districts: expected at most " + std::to_string(kMaxDistricts));
    std::unordered_set<std::string> names;  // names and pinyins so far (a set: 65,535 districts)
    for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto* t = arr->get(i)->as_table();
        std::string path = "districts[" + std::to_string(i) + "]";
        if (!t) {
            problems.add(arr->get(i)->source(), path, "expected a table");
            continue;
        }
        TableReader r(*t, path, problems);
        District d;
        // a district is named by its name or its pinyin: each must be new among both
        if (auto v = r.string("name", true)) {
            d.name = *v;
            if (!names.insert(*v).second)
                problems.add(t->get("name")->source(), path + ".name", "\"" + *v + "\": duplicate district name");
        }
        if (auto v = r.string("pinyin", true)) {
            d.pinyin = *v;
            if (*v != d.name && !names.insert(*v).second)
                problems.add(t->get("pinyin")->source(), path + ".pinyin", "\"" + *v + "\": duplicate district name");
        }
        d.streets = r.strings("streets", true);
        if (t->contains("streets") && t->get("streets")->is_array() && t->get("streets")->as_array()->empty())
            problems.add(t->get("streets")->source(), path + ".streets", "[]: expected at least one street (街道)");
        if (auto v = r.integer("programme_start", true, sc.start.year - 10, sc.end.year + 50, " (a year)"))
            d.programme_start = static_cast<int>(*v);
        if (auto v = r.string("circle_class", true, {"basic", "quality", "distinctive"}))
            d.circle_class = *v == "basic"     ? CircleClass::basic
                             : *v == "quality" ? CircleClass::quality
                                               : CircleClass::distinctive;
        if (auto v = r.string("form", false, {"clustered", "street_block", "distributed"}))
            d.form = *v == "clustered"      ? CommercialForm::clustered
                     : *v == "street_block" ? CommercialForm::street_block
                                            : CommercialForm::distributed;
        if (auto v = r.integer("population", true, 1, 10'000'000, " residents")) d.population = *v;
        if (auto v = age_table(r, "age_shares", true, 0.0, 1.0, " (a share)", problems)) {
            d.age_shares = *v;
            const double sum = (*v)[0] + (*v)[1] + (*v)[2];
            if (!close_to_one(sum))
                problems.add(t->get("age_shares")->source(), path + ".age_shares",
                             "shares sum to " + fmt(sum) + ": expected 1");
        }
        if (auto v = r.number("household_size", true, 1.0, 10.0, " persons")) d.household_size = *v;
        if (auto v = r.number("area_km2", true, 0.01, 1000.0, " km2")) d.area_km2 = *v;
        if (auto v = r.boolean("delivery", false)) d.delivery = *v;
        d.idle_sites = points(r, "idle_sites_xy", problems);
        d.distinctive = r.strings("distinctive", false);
        for (const auto& k : d.distinctive)
            if (sc.category_index(k) < 0)
                problems.add(t->get("distinctive")->source(), path + ".distinctive",
                             "\"" + k + "\": unknown category; expected one of [categories]");
        if (auto v = age_table(r, "delivery_app_users", false, 0.0, 1.0, " (a share)", problems))
            d.delivery_app_users = *v;
        if (const auto* base = r.subtable("baseline", true)) {
            for (const auto& [ck, cv] : *base) {
                const std::string cat(ck.str());
                const auto v = cv.value<std::int64_t>();
                if (sc.category_index(cat) < 0)
                    problems.add(cv.source(), path + ".baseline." + cat,
                                 "unknown category; expected one defined under [categories]");
                else if (!cv.is_integer() || !v || *v < 0 || *v > 100000)
                    problems.add(cv.source(), path + ".baseline." + cat,
                                 show(cv) + ": expected a whole number of facilities >= 0");
                else
                    d.baseline[cat] = static_cast<int>(*v);
            }
        }
        for (const auto& cat : r.strings("known_absent", false)) {
            if (sc.category_index(cat) < 0)
                problems.add(t->get("known_absent")->source(), path + ".known_absent",
                             "\"" + cat + "\": unknown category; expected one defined under [categories]");
            else
                d.known_absent.push_back(cat);
        }
        r.finish();
        sc.districts.push_back(std::move(d));
    }
}

void read_events(TableReader& root, Scenario& sc, Problems& problems) {
    const auto* arr = root.array("events", false, "an array of tables [[events]]");
    if (!arr) return;
    const std::vector<std::string> types(kEventTypeNames.begin(), kEventTypeNames.end());
    for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto* t = arr->get(i)->as_table();
        const std::string path = "events[" + std::to_string(i) + "]";
        if (!t) {
            problems.add(arr->get(i)->source(), path, "expected a table");
            continue;
        }
        TableReader r(*t, path, problems);
        PolicyEvent e;
        e.line = static_cast<int>(t->source().begin.line);
        const auto type = r.string("type", true, types);
        if (const auto date = r.date("date", true)) {
            e.date = *date;
            if (*date < sc.start || *date > sc.end)
                problems.add(t->get("date")->source(), path + ".date",
                             date->str() + ": expected a date within the simulation period " + sc.start.str() + " to " +
                                 sc.end.str());
        }
        if (!type) {
            r.finish();
            continue;
        }
        e.type = static_cast<EventType>(std::find(types.begin(), types.end(), *type) - types.begin());
        auto district = [&](bool required) {
            if (auto v = r.string("district", required)) {
                if (sc.district_index(*v) < 0)
                    problems.add(t->get("district")->source(), path + ".district",
                                 "\"" + *v + "\": unknown district; expected one of [[districts]]");
                else
                    e.district = sc.districts[sc.district_index(*v)].name;
            }
        };
        auto category = [&](bool required) {
            if (auto v = r.string("category", required)) {
                if (sc.category_index(*v) < 0)
                    problems.add(t->get("category")->source(), path + ".category",
                                 "\"" + *v + "\": unknown category; expected one of [categories]");
                else
                    e.category = *v;
            }
        };
        // a standing rule's last day (extend_hours, multi_function)
        auto until = [&] {
            if (const auto v = r.date("until", false)) {
                if (*v < e.date)
                    problems.add(t->get("until")->source(), path + ".until",
                                 v->str() + ": expected a date on or after the event's date " + e.date.str());
                else
                    e.until = *v;
            }
        };
        switch (e.type) {
            case EventType::join_programme:
                district(true);
                break;
            case EventType::subsidy:
                district(false);
                category(true);
                if (auto v = r.number("rent_cut", false, 0, 1, " (a share of rent)")) e.rent_cut = *v;
                if (auto v = r.number("grant_yuan_month", false, 0, 1e6, " yuan per shop per month"))
                    e.grant_yuan_month = *v;
                if (!t->contains("rent_cut") && !t->contains("grant_yuan_month"))
                    problems.add(t->source(), path, "subsidy: expected rent_cut and/or grant_yuan_month");
                if (e.category && !sc.categories[sc.category_index(*e.category)].subsidy_eligible)
                    problems.add(t->get("category")->source(), path + ".category",
                                 "\"" + *e.category + "\": not subsidy_eligible; expected an eligible category");
                break;
            case EventType::plan_facility:
            case EventType::mobile_vendor:
                district(true);
                category(true);
                if (e.type == EventType::plan_facility) {
                    e.operator_ = operator_of(r, "operator");
                    // a frozen list's support: the operating grant each of its facilities gets
                    if (auto v = r.number("grant_yuan_month", false, 0, 1e7, " yuan a month per facility"))
                        e.grant_yuan_month = *v;
                }
                if (auto v = r.integer("count", false, 1, 1000)) e.count = static_cast<int>(*v);
                if (e.type == EventType::plan_facility) {
                    // a project list's sites (network nodes of the district), chosen beforehand
                    for (auto s : r.integers("sites", false, 0, 0xFFFFFFFELL))
                        e.sites.push_back(static_cast<std::uint32_t>(s));
                    e.sites_xy = points(r, "sites_xy", problems);
                    if (!e.sites.empty() && !e.sites_xy.empty())
                        problems.add(t->source(), path, "both sites and sites_xy: expected one of them");
                    if (!e.sites.empty()) e.count = static_cast<int>(e.sites.size());
                    if (!e.sites_xy.empty()) e.count = static_cast<int>(e.sites_xy.size());
                    if (auto v = r.number("gain", false, 0, 1e9, " residents")) e.gain = *v;
                    if (auto v = r.boolean("idle", false)) e.idle = *v;
                    if (e.idle && e.sites_xy.empty())
                        problems.add(t->get("idle")->source(), path + ".idle",
                                     "true: expected sites_xy (the idle sites' places) with it");
                }
                break;
            case EventType::close_facility:
                district(true);
                category(true);
                if (auto v = r.integer("count", false, 1, 1000)) e.count = static_cast<int>(*v);
                e.sites_xy = points(r, "sites_xy", problems);
                if (!e.sites_xy.empty()) {
                    if (t->contains("count"))
                        problems.add(t->get("count")->source(), path + ".count",
                                     "with sites_xy: expected one of them (each place closes one)");
                    e.count = static_cast<int>(e.sites_xy.size());
                }
                break;
            case EventType::circle_plan:
                district(true);
                if (auto v = r.number("target", false, 0.01, 1, " (a share of residents inside the ring)"))
                    e.target = *v;
                if (auto v = r.number("budget_yuan", false, 0, 1e12, " yuan")) e.budget_yuan = *v;
                if (auto v = r.integer("months", false, 1, 120, " months")) e.months = static_cast<int>(*v);
                if (auto v = r.string("method", false, {"exact", "greedy"})) e.method = *v;
                e.operator_ = operator_of(r, "operator");
                if (auto v = r.string("unprofitable", false, {"support", "drop", "keep"})) e.unprofitable = *v;
                break;
            case EventType::elder_canteen:
                district(true);
                if (sc.category_index("elder_canteen") < 0)
                    problems.add(t->get("type")->source(), path + ".type",
                                 "\"elder_canteen\": expected a category [categories.elder_canteen] to open");
                if (auto v = r.integer("count", false, 1, 1000)) e.count = static_cast<int>(*v);
                e.operator_ = operator_of(r, "operator");
                break;
            case EventType::extend_hours:
                district(false);
                category(true);
                if (const auto h = hours(r, "hours", true, problems)) std::tie(e.open_hour, e.close_hour) = *h;
                if (auto v = r.number("night_grant_share", false, 0, 1, " (a share of the night staff cost)"))
                    e.night_grant_share = *v;
                until();
                break;
            case EventType::multi_function:
                district(false);
                category(true);
                until();
                e.adds = r.strings("adds", true);
                for (const auto& a : e.adds)
                    if (sc.category_index(a) < 0)
                        problems.add(t->get("adds")->source(), path + ".adds",
                                     "\"" + a + "\": unknown category; expected one of [categories]");
                break;
            case EventType::map_app:
                district(false);
                if (auto v = r.number("adoption", true, 0, 1, " (a share of residents)")) e.adoption = *v;
                break;
            case EventType::new_housing:
                district(true);
                if (auto v = r.integer("residents", true, 1, 1'000'000, " residents")) e.residents = *v;
                if (auto v = r.number("commercial_share", true, 0.10, 1.0,
                                      " (the plan requires at least 10% commercial floor area)"))
                    e.commercial_share = *v;
                break;
        }
        r.finish();
        sc.events.push_back(std::move(e));
    }
    std::stable_sort(sc.events.begin(), sc.events.end(), [](const auto& a, const auto& b) { return a.date < b.date; });
}

void read_network(TableReader& root, Scenario& sc, Problems& problems, bool check_files) {
    const auto* t = root.subtable("network", false);
    if (!t) return;
    TableReader r(*t, "network", problems);
    if (auto v = r.string("source", true, {"synthetic", "osm", "city"})) sc.network.kind = *v;
    if (sc.network.kind == "osm" && sc.districts.size() != 1)
        problems.add(t->get("source")->source(), "network.source",
                     "\"osm\": " + std::to_string(sc.districts.size()) +
                         " districts; expected one (a real city is one district)");
    auto file = [&](const std::string& key, std::string& out) {
        const bool required = (sc.network.kind == "osm" && (key == "osm" || key == "population_grid")) ||
                              (sc.network.kind == "city" && key == "city");
        if (auto v = r.string(key, required)) {
            out = resolve(sc.path, *v);
            if (check_files && !std::filesystem::exists(out))
                problems.add(t->get(key)->source(), "network." + key,
                             "\"" + *v + "\": no such file (looked for " + out + ")");
        }
    };
    file("osm", sc.network.osm_path);
    file("city", sc.network.city_path);
    file("population_grid", sc.network.population_grid);
    file("categories", sc.network.categories_path);
    if (auto v = r.number("block_min_m", false, 20, 1000, " metres")) sc.network.block_min_m = *v;
    if (auto v = r.number("block_max_m", false, 20, 2000, " metres")) sc.network.block_max_m = *v;
    if (sc.network.block_max_m < sc.network.block_min_m)
        problems.add(t->source(), "network.block_max_m", "expected block_max_m >= block_min_m");
    r.finish();
}

}  // namespace detail

Scenario parse_scenario(const std::string& text, const std::string& path, bool check_files) {
    toml::table root;
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        throw ConfigError("1 problem in " + path + ":\n" + path + ":" + std::to_string(e.source().begin.line) + ":" +
                          std::to_string(e.source().begin.column) + ": invalid TOML: " + std::string(e.description()));
    }
    Scenario sc;
    sc.path = path;
    sc.text = text;
    detail::Problems problems(path);
    detail::TableReader r(root, "", problems);
    detail::read_simulation(r, sc, problems);
    detail::read_slots(r, sc, problems);
    detail::read_holidays(r, sc, problems);
    detail::read_categories(r, sc, problems);
    detail::read_districts(r, sc, problems);
    detail::read_events(r, sc, problems);
    detail::read_network(r, sc, problems, check_files);
    detail::read_models(r, sc, problems);
    r.finish();
    if (!problems.empty()) throw ConfigError(problems.joined());
    return sc;
}

std::uint64_t Scenario::list_categories(std::size_t d) const {
    const CircleClass circle = districts[d].circle_class;
    std::uint64_t mask = 0;
    for (std::size_t c = 0; c < categories.size(); ++c) {
        const Category& cat = categories[c];
        const bool in = cat.cls == CategoryClass::basic || cat.cls == CategoryClass::government ||
                        cat.operator_ != Operator::private_ ||
                        (cat.cls == CategoryClass::quality && circle == CircleClass::quality);
        if (in) mask |= std::uint64_t{1} << c;
    }
    if (circle == CircleClass::distinctive)
        for (const auto& key : districts[d].distinctive) mask |= std::uint64_t{1} << category_index(key);
    return mask;
}

Scenario load_scenario(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot open scenario file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse_scenario(buffer.str(), path);
}

Scenario builtin_yunfu() { return parse_scenario(std::string(kBuiltinYunfu), kBuiltinYunfuName); }

}  // namespace lifecircle
