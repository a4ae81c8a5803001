#include "sim/checkpoint.hpp"

#include <charconv>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "core/error.hpp"
#include "core/hdf5_io.hpp"
#include "core/version.hpp"
#include "sim/results_schema.hpp"

namespace lifecircle {

namespace detail {

inline constexpr const char* kFormat = "lifecircle-checkpoint";
// 2: records in datasets that grow (appended at each checkpoint), state datasets with their
// digest, the run's last day; 3: the score records for re-scoring (score_month, score_resident, score_place)
inline constexpr double kFormatVersion = 3;

/// The facility fields a checkpoint stores, each as one dataset of facilities/.
template <class F>
void each_facility_field(F&& f) {
    f("node", &Facility::node);
    f("category", &Facility::category);
    f("district", &Facility::district);
    f("extra_categories", &Facility::extra_categories);
    f("open_hour", &Facility::open_hour);
    f("close_hour", &Facility::close_hour);
    f("floor_area_m2", &Facility::floor_area_m2);
    f("state", &Facility::state);
    f("cash_fen", &Facility::cash_fen);
    f("osm_id", &Facility::osm_id);
    f("dx", &Facility::dx);
    f("dy", &Facility::dy);
    f("slot_mask", &Facility::slot_mask);
    f("mobile", &Facility::mobile);
    f("origin", &Facility::origin);
    f("loss_months", &Facility::loss_months);
    f("opened_day", &Facility::opened_day);
    f("closed_day", &Facility::closed_day);
    f("operator", &Facility::operator_);
    f("grant_yuan", &Facility::grant_yuan);
}

/// The stored type of a field: enums and bools as their bytes, 64-bit masks as int64, the
/// rest as themselves.
template <class T>
struct StoredAs {
    using type = T;
};
template <>
struct StoredAs<bool> {
    using type = std::uint8_t;
};
template <>
struct StoredAs<std::uint64_t> {
    using type = std::int64_t;
};
template <>
struct StoredAs<FacilityState> {
    using type = std::uint8_t;
};
template <>
struct StoredAs<FacilityOrigin> {
    using type = std::uint8_t;
};
template <>
struct StoredAs<Operator> {
    using type = std::uint8_t;
};
template <class T>
using Stored = typename StoredAs<T>::type;

/// An integer attribute stored as text (all 64 bits); InputError if it is not one.
template <class T>
T integer_attr(const H5File& f, const std::string& name) {
    const std::string text = f.attr_string(name);
    T value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        throw InputError(f.path() + ": attribute '" + name + "' is '" + text +
                         "'; expected an integer (a damaged file?)");
    return value;
}

/// CSR of lists: offsets (size + 1) and the values one after another.
void write_lists(H5File& f, const std::string& name, const std::vector<std::vector<std::uint32_t>>& lists) {
    std::vector<std::uint32_t> offsets{0}, values;
    for (const auto& l : lists) {
        values.insert(values.end(), l.begin(), l.end());
        offsets.push_back(static_cast<std::uint32_t>(values.size()));
    }
    f.replace<std::uint32_t>(name + "_offsets", offsets);
    f.replace<std::uint32_t>(name, values);
}

std::vector<std::vector<std::uint32_t>> read_lists(const H5File& f, const std::string& name) {
    const auto offsets = f.read<std::uint32_t>(name + "_offsets");
    const auto values = f.read<std::uint32_t>(name);
    std::vector<std::vector<std::uint32_t>> out;
    for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
        if (offsets[i] > offsets[i + 1] || offsets[i + 1] > values.size())
            throw InputError(f.path() + ": " + name + "_offsets: not increasing within " + name + "; a damaged file?");
        out.emplace_back(values.begin() + offsets[i], values.begin() + offsets[i + 1]);
    }
    return out;
}

/// Whether a checkpoint's tables fit together and the scenario (sizes, ids, the day): a
/// damaged file must be refused here, not crash the simulator.
void check_fits(const std::string& path, const Scenario& sc, const CheckpointInfo& info, const RunState& s) {
    // the sizes the simulator relies on
    const std::size_t nr = s.residents.home_node.size(), nf = s.facilities.size();
    const bool ok =
        s.residents.household.size() == nr && s.residents.district.size() == nr && s.residents.age.size() == nr &&
        s.residents.flags.size() == nr && s.crowding.size() == nf && s.reach_order.size() == sc.categories.size() &&
        s.levers.rent_cut.size() == sc.districts.size() * sc.categories.size() &&
        s.levers.grant_yuan.size() == s.levers.rent_cut.size() && s.levers.in_programme.size() == sc.districts.size() &&
        s.levers.hours_open.size() == s.levers.rent_cut.size() &&
        s.levers.hours_close.size() == s.levers.rent_cut.size() &&
        s.levers.night_grant_share.size() == s.levers.rent_cut.size() &&
        s.levers.hours_until.size() == s.levers.rent_cut.size() && s.levers.adds.size() == s.levers.rent_cut.size() &&
        s.levers.adds_until.size() == s.levers.rent_cut.size() && s.added_day.size() <= nr &&
        s.orders_per_day.size() == sc.districts.size() * Tally::kSlots &&
        s.month_needs.size() == sc.districts.size() * sc.categories.size();
    std::int64_t score_rows = 0;
    for (const auto& m : s.records.score_month) score_rows += m.residents;
    const bool scores_ok = score_rows == static_cast<std::int64_t>(s.records.score_resident.size()) &&
                           s.records.score_place.size() % std::max<std::size_t>(1, s.records.score_month.size()) == 0;
    bool year_ok = true;
    for (const auto& c : Tally::kColumns) {
        const auto size = (s.year.*c.column).size();
        year_ok &= c.rows == Tally::Rows::facility            ? size <= nf
                   : c.rows == Tally::Rows::district_category ? size == sc.districts.size() * sc.categories.size()
                   : c.rows == Tally::Rows::district_slot     ? size == sc.districts.size() * Tally::kSlots
                                                              : size == sc.districts.size();
    }
    if (!ok || !year_ok || !scores_ok)
        throw InputError(path + ": its tables do not fit together or the scenario; a damaged file?");
    // a month's end within the run (the spin-up's months included)
    const Date spin = sc.first_simulated_day();
    if (info.day < spin || sc.end < info.until || Date::from_days(s.day + 1).month == info.day.month)
        throw InputError(path + ": attribute 'day' is " + info.day.str() + "; expected a month's end from " +
                         spin.str() + " to " + sc.end.str() + " (a damaged file?)");
    for (const auto& order : s.reach_order)
        for (auto id : order)
            if (id >= nf)
                throw InputError(path + ": state/reach_order names facility " + std::to_string(id) + " of " +
                                 std::to_string(nf) + "; a damaged file?");
}

/// What the open checkpoint `f` says of itself (read_checkpoint_info).
CheckpointInfo info_of(const H5File& f) {
    const std::string& path = f.path();
    std::string format;
    try {
        format = f.attr_string("format");
    } catch (const InputError&) {
    }
    if (format != detail::kFormat)
        throw InputError(path + ": not a lifecircle checkpoint (attribute 'format' is '" + format + "')");
    CheckpointInfo info;
    info.version = f.attr_string("version");
    if (info.version != kVersion || f.attr_double("format_version") != detail::kFormatVersion)
        throw InputError(path + ": a checkpoint of lifecircle " + info.version + "; this is " + kVersion +
                         ": resume it with the build that wrote it");
    info.scenario_text = f.attr_string("scenario_text");
    info.scenario_path = f.attr_string("scenario_path");
    info.seed = detail::integer_attr<std::uint64_t>(f, "seed");
    const auto day = Date::parse(f.attr_string("day"));
    if (!day) throw InputError(path + ": attribute 'day' is not a date; a damaged file?");
    info.day = *day;
    const auto until = Date::parse(f.attr_string("until"));
    if (!until || *until < info.day)
        throw InputError(path + ": attribute 'until' is not a date from 'day' on; a damaged file?");
    info.until = *until;
    try {
        info.spinup_key = f.attr_string("spinup_key");
    } catch (const InputError&) {  // an ordinary checkpoint
    }
    return info;
}

/// The deflate level of a checkpoint's datasets: 1 rather than the results' 4. A checkpoint is
/// rewritten every month and read once; on Yunfu to 2025-12 with one every month (48), level 1
/// took 30% less of the processor than level 4 for a file 7% larger (3.30 against 3.08 MB);
/// none at all made a file of 14.2 MB, and was no faster (more bytes to copy and check).
inline constexpr int kDeflate = 1;

/// Bytes an updated checkpoint may hold beyond twice its datasets' before it is written whole.
inline constexpr std::uint64_t kSlackBytes = std::uint64_t{1} << 20;

/// The record tables that grow month by month (projects are rewritten whole: a project's
/// facility is set when it opens).
bool appended(const ResultsColumn& column) { return column.read && column.table != "projects"; }

std::size_t record_rows(const Results& r, const std::string& table) {
    return table == "district_month"   ? r.district_month.size()
           : table == "category_year"  ? r.category_year.size()
           : table == "facility_month" ? r.facility_month.size()
           : table == "score_month"    ? r.score_month.size()
           : table == "score_resident" ? r.score_resident.size()
           : table == "score_place"    ? r.score_place.size()
                                       : 0;
}

/// Copies `path` to `tmp` and unseals the copy, to be brought up to `s`, when `path` holds
/// this run's earlier checkpoint: its records are then the first rows of `s.records` (a run's
/// records up to a day depend only on its scenario text, seed and build: docs/model.md,
/// "Determinism"). False for anything else (the copy left at `tmp` is written over): the
/// checkpoint is written whole.
bool copy_earlier(const std::string& path, const Scenario& sc, const RunState& s, const std::string& tmp) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return false;
    try {
        // copied first and unsealed, which checks the seal (once: opening `path` itself to look
        // at it would check it a second time), then looked at; anything else at `path` leaves
        // a copy at `tmp` that the caller writes over
        std::filesystem::copy_file(path, tmp, std::filesystem::copy_options::overwrite_existing);
        unseal_file(tmp);
        const auto f = H5File::open_for_update(tmp);
        const CheckpointInfo info = info_of(f);
        if (info.scenario_text != sc.text || info.scenario_path != sc.path || info.seed != sc.seed ||
            !(info.day.days() < s.day))
            return false;
        for (const auto& column : results_columns()) {
            if (!appended(column)) continue;
            const std::string name = "records/" + column.table + "/" + column.name;
            if (!f.exists(name) || f.length(name) > record_rows(s.records, column.table)) return false;
        }
        // space left behind by the updates (replaced chunks, attributes) outgrowing the data:
        // written whole again, so that the file stays within about twice its data
        return std::filesystem::file_size(path) <= 2 * f.stored_bytes() + kSlackBytes;
    } catch (const InputError&) {
        return false;
    } catch (const std::filesystem::filesystem_error&) {
        return false;
    }
}

/// Writes the state `s` into `f`: a new file, or (`update`) a copy of this run's earlier
/// checkpoint, whose records then get the rows since and whose changed state is replaced.
void write_state(H5File& f, const Scenario& sc, const RunState& s, bool update, const std::string& spinup_key) {
    if (!update) {  // (an update's are these already: copy_earlier checked them; not written again, since
                    // a string attribute replaced leaves its old bytes behind in the file)
        f.set_attr("format", std::string(kFormat));
        f.set_attr("format_version", kFormatVersion);
        f.set_attr("version", std::string(kVersion));
        f.set_attr("scenario_text", sc.text);
        f.set_attr("scenario_path", sc.path);
        f.set_attr("seed", std::to_string(sc.seed));  // as text: all 64 bits
        if (!spinup_key.empty()) f.set_attr("spinup_key", spinup_key);
    }
    f.set_attr("day", Date::from_days(s.day).str());
    f.set_attr("until", Date::from_days(s.until).str());
    f.set_attr("next_event", static_cast<double>(s.next_event));
    f.set_attr("trips", std::to_string(s.trips));
    if (!update)
        for (const char* group : {"facilities", "residents", "state", "year", "records"}) f.create_group(group);

    each_facility_field([&](const char* name, auto field) {
        using T = std::remove_cvref_t<decltype(std::declval<Facility>().*field)>;
        std::vector<Stored<T>> values;
        values.reserve(s.facilities.size());
        for (const auto& x : s.facilities) values.push_back(static_cast<Stored<T>>(x.*field));
        f.replace<Stored<T>>(std::string("facilities/") + name, values);
    });
    f.replace<std::uint32_t>("residents/home_node", s.residents.home_node);
    f.replace<std::uint32_t>("residents/household", s.residents.household);
    f.replace<std::uint16_t>("residents/district", s.residents.district);
    f.replace<std::uint8_t>("residents/age", s.residents.age);
    f.replace<std::uint8_t>("residents/flags", s.residents.flags);
    f.replace<std::uint32_t>("residents/household_start", s.household_start);
    f.replace<std::int32_t>("residents/added_day", s.added_day);

    write_lists(f, "state/reach_order", s.reach_order);
    f.replace<double>("state/rent_cut", s.levers.rent_cut);
    f.replace<double>("state/grant_yuan", s.levers.grant_yuan);
    f.replace<std::uint8_t>("state/in_programme", s.levers.in_programme);
    f.replace<float>("state/crowding", s.crowding);
    f.replace<double>("state/orders_per_day", s.orders_per_day);
    f.replace<float>("state/hours_open", s.levers.hours_open);
    f.replace<float>("state/hours_close", s.levers.hours_close);
    f.replace<double>("state/night_grant_share", s.levers.night_grant_share);
    f.replace<std::int32_t>("state/hours_until", s.levers.hours_until);
    f.replace<std::int64_t>("state/adds",
                            std::vector<std::int64_t>(s.levers.adds.begin(), s.levers.adds.end()));  // bit masks
    f.replace<std::int32_t>("state/adds_until", s.levers.adds_until);
    f.replace<std::int64_t>("state/month_needs", s.month_needs);
    std::vector<std::uint32_t> floor_district, floor_node;
    std::vector<float> floor_left;
    for (const auto& site : s.floor_sites) {
        floor_district.push_back(site.district);
        floor_node.push_back(site.node);
        floor_left.push_back(site.floor_left);
    }
    f.replace<std::uint32_t>("state/floor_district", floor_district);
    f.replace<std::uint32_t>("state/floor_node", floor_node);
    f.replace<float>("state/floor_left", floor_left);
    for (const auto& c : Tally::kColumns) f.replace<std::int64_t>(std::string("year/") + c.name, s.year.*c.column);

    for (const auto& column : results_columns()) {
        if (!column.read) continue;  // the records only: the city is the state above
        const std::string group = "records/" + column.table, name = group + "/" + column.name;
        if (!f.exists(group)) f.create_group(group);
        if (appended(column)) {
            column.append(f, name, s.records, update ? f.length(name) : 0);
        } else {
            if (f.exists(name)) f.remove(name);
            column.write(f, name, s.records);
        }
    }
}

}  // namespace detail

void write_checkpoint(const std::string& path, const Scenario& sc, const RunState& s, const std::string& spinup_key) {
    write_atomically(path, [&](const std::string& tmp) {
        const bool update = spinup_key.empty() && detail::copy_earlier(path, sc, s, tmp);
        auto f = update ? H5File::open_for_update(tmp) : H5File::create(tmp, true);
        f.set_deflate(detail::kDeflate);
        detail::write_state(f, sc, s, update, spinup_key);
        f.close();
    });
}

CheckpointWriter::~CheckpointWriter() {
    if (m_thread.joinable()) m_thread.join();
}

void CheckpointWriter::write(const std::string& path, const Scenario& scenario, RunState state,
                             const Results& records) {
    wait();
    // the rows since the previous write (here, while `records` cannot change); the rest are m_records
    each_record_table([&](auto table) {
        const auto& all = records.*table;
        const auto given = (m_records.*table).size();
        if (all.size() < given) throw std::logic_error("CheckpointWriter: records shrank between checkpoints");
        (state.records.*table).assign(all.begin() + static_cast<std::ptrdiff_t>(given), all.end());
    });
    if (!hdf5_thread_safe()) {  // an HDF5 built without thread safety: in the run's own thread
        write_now(path, scenario, state);
        wait();
        return;
    }
    m_thread =
        std::thread([this, path, &scenario, state = std::move(state)]() mutable { write_now(path, scenario, state); });
}

void CheckpointWriter::write_now(const std::string& path, const Scenario& scenario, RunState& state) {
    try {
        // the whole records lent to the state to write, and back to m_records after (after a
        // failed write the run stops, and m_records is not used again)
        struct GiveBack {
            Results& to;
            Results& from;
            ~GiveBack() {
                each_record_table([&](auto table) { to.*table = std::move(from.*table); });
            }
        } give_back{m_records, state.records};
        each_record_table([&](auto table) {
            auto& since = state.records.*table;
            auto& mine = m_records.*table;
            mine.insert(mine.end(), since.begin(), since.end());
            since = std::move(mine);
        });
        write_checkpoint(path, scenario, state);
    } catch (...) {
        m_error = std::current_exception();
    }
}

void CheckpointWriter::wait() {
    if (m_thread.joinable()) m_thread.join();
    if (m_error) std::rethrow_exception(std::exchange(m_error, nullptr));
}

void CheckpointWriter::finish() {
    wait();
    m_records = Results();
}

CheckpointInfo read_checkpoint_info(const std::string& path) { return detail::info_of(H5File::open(path)); }

namespace detail {

/// The state the open checkpoint `f` holds, for `sc` (whose own it is: the caller checked).
RunState read_state(const H5File& f, const CheckpointInfo& info, const Scenario& sc) {
    const std::string& path = f.path();
    RunState s;
    s.day = info.day.days();
    s.until = info.until.days();
    const double next_event = f.attr_double("next_event");
    if (!(next_event >= 0 && next_event <= static_cast<double>(sc.events.size())))
        throw InputError(path + ": attribute 'next_event' is " + std::to_string(next_event) + "; expected 0 to " +
                         std::to_string(sc.events.size()) + " (a damaged file?)");
    s.next_event = static_cast<std::uint64_t>(next_event);
    s.trips = detail::integer_attr<std::int64_t>(f, "trips");

    std::size_t n = 0;
    bool first = true;
    detail::each_facility_field([&](const char* name, auto field) {
        using T = std::remove_cvref_t<decltype(std::declval<Facility>().*field)>;
        const auto values = f.read<detail::Stored<T>>(std::string("facilities/") + name);
        if (first) s.facilities.resize(n = values.size());
        first = false;
        if (values.size() != n)
            throw InputError(path + ": facilities/" + name + ": " + std::to_string(values.size()) + " rows; expected " +
                             std::to_string(n));
        for (std::size_t i = 0; i < n; ++i) s.facilities[i].*field = static_cast<T>(values[i]);
    });
    s.residents.home_node = f.read<std::uint32_t>("residents/home_node");
    s.residents.household = f.read<std::uint32_t>("residents/household");
    s.residents.district = f.read<std::uint16_t>("residents/district");
    s.residents.age = f.read<std::uint8_t>("residents/age");
    s.residents.flags = f.read<std::uint8_t>("residents/flags");
    s.household_start = f.read<std::uint32_t>("residents/household_start");
    s.added_day = f.read<std::int32_t>("residents/added_day");

    s.reach_order = detail::read_lists(f, "state/reach_order");
    s.levers = PlanLevers(sc.districts.size(), sc.categories.size());
    s.levers.rent_cut = f.read<double>("state/rent_cut");
    s.levers.grant_yuan = f.read<double>("state/grant_yuan");
    s.levers.in_programme = f.read<std::uint8_t>("state/in_programme");
    s.levers.hours_open = f.read<float>("state/hours_open");
    s.levers.hours_close = f.read<float>("state/hours_close");
    s.levers.night_grant_share = f.read<double>("state/night_grant_share");
    s.levers.hours_until = f.read<std::int32_t>("state/hours_until");
    const auto adds = f.read<std::int64_t>("state/adds");
    s.levers.adds.assign(adds.begin(), adds.end());
    s.levers.adds_until = f.read<std::int32_t>("state/adds_until");
    s.crowding = f.read<float>("state/crowding");
    s.orders_per_day = f.read<double>("state/orders_per_day");
    s.month_needs = f.read<std::int64_t>("state/month_needs");
    {
        const auto district = f.read<std::uint32_t>("state/floor_district");
        const auto node = f.read<std::uint32_t>("state/floor_node");
        const auto left = f.read<float>("state/floor_left");
        if (node.size() != district.size() || left.size() != district.size())
            throw InputError(path + ": state/floor_* of different lengths; a damaged file?");
        for (std::size_t i = 0; i < district.size(); ++i) s.floor_sites.push_back({district[i], node[i], left[i]});
    }
    for (const auto& c : Tally::kColumns) s.year.*c.column = f.read<std::int64_t>(std::string("year/") + c.name);
    for (const auto& column : results_columns())
        if (column.read) column.read(f, "records/" + column.table + "/" + column.name, s.records);

    detail::check_fits(path, sc, info, s);
    return s;
}

}  // namespace detail

RunState read_checkpoint(const std::string& path, const Scenario& sc) {
    const auto f = H5File::open(path);
    const CheckpointInfo info = detail::info_of(f);
    if (info.scenario_text != sc.text)
        throw ConfigError(path + ": a checkpoint of another scenario (" + info.scenario_path + " as it was then than " +
                          sc.path + "); resume it with its own scenario (the default)");
    if (info.seed != sc.seed)
        throw ConfigError(path + ": a checkpoint of seed " + std::to_string(info.seed) + ", not " +
                          std::to_string(sc.seed));
    return detail::read_state(f, info, sc);
}

RunState read_spinup_checkpoint(const std::string& path, const Scenario& sc, const std::string& spinup_key) {
    const auto f = H5File::open(path);
    const CheckpointInfo info = detail::info_of(f);
    if (info.spinup_key.empty() || info.spinup_key != spinup_key || info.seed != sc.seed)
        throw InputError(path + ": a spin-up cache entry of another scenario, seed or build");
    return detail::read_state(f, info, sc);
}

}  // namespace lifecircle
