#include "sim/day_loop.hpp"

#include <algorithm>

#include <tbb/parallel_for.h>

#include "core/rng.hpp"
#include "core/streams.hpp"

namespace lifecircle {

// Internal linkage: each pass is called from one place, so the compiler inlines it into the
// task body as it did the one function they came from (measured: 5% slower without).
namespace {

inline constexpr std::size_t kBlock = 4096;                                         // residents a task
inline constexpr std::uint64_t kCallsMax = (1 + 2 * NeedModel::kMaxNeeds + 3) / 4;  // Philox calls a resident-day

/// One need of the eight residents in hand, filled in pass by pass.
struct Need {
    std::uint32_t resident;
    std::uint32_t cs_bits;      // pass 1: random word; pass 2 on: category << 8 | slot
    std::uint32_t choice_bits;  // pass 1: random word; pass 3 on: the facility chosen (-1: none)
    float distance;             // pass 3: distance to the facility chosen
    const ChoiceCache::Block* block;
};
using Needs = std::array<Need, PhiloxBatch::kLanes*(NeedModel::kMaxNeeds + 3)>;

/// Pass 1, counts: one Philox call pair for the eight residents from i0 (AVX2); each
/// resident's count from word 0 and its first three needs written out whatever the count,
/// the write position then moved by the count (residents with more needs, rare, make further
/// calls one by one). Random words of a resident-day: call k's 4 words are words 4k .. 4k+3;
/// word 0 is the count, need k uses words 1 + 2k (category and slot) and 2 + 2k (choice).
/// Returns the number of needs.
std::size_t draw_counts(const TripDay& day, std::size_t i0, std::size_t lanes, Needs& need, ResidentTally& month) {
    const auto& res = day.world->residents;
    const std::uint64_t counter0 = static_cast<std::uint64_t>(day.day) << 8;
    PhiloxBatch::Batch call0, call1;
    day.philox->eight_twice(counter0, streams::needs(i0), call0, call1);
    auto put = [&need](std::size_t at, std::uint32_t i, std::uint32_t cs, std::uint32_t choice) {
        need[at].resident = i;
        need[at].cs_bits = cs;
        need[at].choice_bits = choice;
    };
    std::array<std::uint32_t, 4 * kCallsMax> words;
    std::size_t m = 0;
    for (std::size_t lane = 0; lane < lanes; ++lane) {
        const auto i = static_cast<std::uint32_t>(i0 + lane);
        const int count = day.needs.count(res.age[i], res.flags[i] & Residents::kHead, call0[0][lane]);
        month.needs[i] = static_cast<std::uint16_t>(month.needs[i] + count);
        put(m, i, call0[1][lane], call0[2][lane]);
        put(m + 1, i, call0[3][lane], call1[0][lane]);
        put(m + 2, i, call1[1][lane], call1[2][lane]);
        if (count > 3) [[unlikely]] {
            for (std::size_t w = 0; w < 4; ++w) words[4 + w] = call1[w][lane];
            for (std::uint64_t call = 2; 4 * call < 1 + 2 * static_cast<std::uint64_t>(count); ++call) {
                const auto more = day.philox->one(counter0 + call, streams::needs(i));
                std::copy(more.begin(), more.end(), words.begin() + static_cast<std::ptrdiff_t>(4 * call));
            }
            for (std::size_t k = 3; k < static_cast<std::size_t>(count); ++k)
                put(m + k, i, words[1 + 2 * k], words[2 + 2 * k]);
        }
        m += static_cast<std::size_t>(count);
    }
    return m;
}

/// Pass 2: each need's (category, slot), its tallies, and a prefetch of its cache block.
void draw_categories(const TripDay& day, Needs& need, std::size_t m, Tally& t) {
    const auto& res = day.world->residents;
    const std::size_t nc = day.world->scenario.categories.size();
    const auto& night_slot = *day.night_slot;
    for (std::size_t q = 0; q < m; ++q) {
        Need& e = need[q];
        const std::size_t i = e.resident, d = res.district[i];
        const auto [c, s] = day.needs.category_slot(res.age[i], res.flags[i] & Residents::kHead, e.cs_bits);
        ++t.needs[district_category(d, static_cast<std::size_t>(c), nc)];
        t.night_needs[d] += night_slot[static_cast<std::size_t>(s)];
        e.cs_bits = static_cast<std::uint32_t>(c) << 8 | static_cast<std::uint32_t>(s);
        e.block = &day.cache->block(res.home_node[i], static_cast<std::size_t>(c));
        __builtin_prefetch(e.block);
        __builtin_prefetch(reinterpret_cast<const char*>(e.block) + 64);
    }
}

/// Pass 3: each need's destination (models/destination_choice.hpp).
void choose_destinations(const TripDay& day, Needs& need, std::size_t m) {
    const auto& res = day.world->residents;
    for (std::size_t q = 0; q < m; ++q) {
        Need& e = need[q];
        const std::size_t i = e.resident, s = e.cs_bits & 0xFFU;
        const bool nearest_only = !(res.flags[i] & Residents::kMapApp);
        const float u = static_cast<float>(e.choice_bits >> 8) * 0x1.0p-24f;
        const auto choice = day.cache->choose(*e.block, static_cast<int>(s), res.age[i], nearest_only, u);
        e.choice_bits = static_cast<std::uint32_t>(choice.facility);
        e.distance = choice.distance;
    }
}

/// Pass 4: the tallies of the choices: a visit; or, with no shop open in reach, delivery
/// (models/delivery: a delivery-app user of a deliverable category orders with probability
/// order_share, and the order is carried with the probability the couriers' capacity gives,
/// one draw deciding both); or an unmet need.
void tally_outcomes(const TripDay& day, const Needs& need, std::size_t m, Tally& t, ResidentTally& month) {
    const auto& res = day.world->residents;
    const Scenario& sc = day.world->scenario;
    const std::size_t nc = sc.categories.size();
    const auto& night_slot = *day.night_slot;
    const auto& spend_fen = *day.spend_fen;
    const auto& carried = *day.carried;
    const double order_share = sc.delivery.order_share;
    for (std::size_t q = 0; q < m; ++q) {
        const Need& e = need[q];
        const std::size_t i = e.resident, c = e.cs_bits >> 8, s = e.cs_bits & 0xFFU;
        const std::size_t d = res.district[i];
        const std::size_t dc = district_category(d, c, nc);
        const int age = res.age[i];
        const std::uint8_t night = night_slot[s];
        const ChoiceCache::Choice choice{static_cast<std::int32_t>(e.choice_bits), e.distance};
        if (choice.facility >= 0) [[likely]] {
            const auto fid = static_cast<std::size_t>(choice.facility);
            ++t.visits[fid];
            t.revenue[fid] += spend_fen[c];
            // walking time in 1/10 minute, rounded half up
            const auto tenths = static_cast<std::int64_t>(choice.distance * day.tenths_per_metre[age] + 0.5);
            t.walk[d] += tenths;
            t.within15[d] += tenths <= 150;
            ++t.served[dc];
            t.night_served[d] += night;
        } else {
            bool delivered = false;
            if ((res.flags[i] & Residents::kDelivery) && sc.categories[c].deliverable) [[unlikely]] {
                std::uint64_t k = 0;  // the need's number among its resident's needs today
                for (std::size_t p = q; p > 0 && need[p - 1].resident == i; --p) ++k;
                const std::uint64_t draw = static_cast<std::uint64_t>(day.day) << 40 | std::uint64_t{i} << 8 | k;
                const double u = CounterRng(sc.seed, streams::kDeliveryOrder).uniform(draw);
                if (u < order_share) {
                    ++t.orders[d * Tally::kSlots + s];
                    delivered = u < order_share * static_cast<double>(carried[d * Tally::kSlots + s]);
                }
            }
            if (delivered) {
                ++t.delivered[dc];
                if (night) ++t.night_delivered[d];
            } else {
                ++t.unmet[dc];
                ++month.unmet[i];
                if (night) ++month.night_unmet[i];
            }
        }
    }
}

}  // namespace

void simulate_trips(const TripDay& day, tbb::enumerable_thread_specific<Tally>& tallies, ResidentTally& month) {
    const World& w = *day.world;
    const std::size_t nd = w.scenario.districts.size(), nc = w.scenario.categories.size();
    const std::size_t last = std::min(day.last, w.residents.size());
    if (day.first >= last) return;
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(day.first, last, kBlock),
        [&](const tbb::blocked_range<std::size_t>& range) {
            Tally& t = tallies.local();
            if (t.visits.size() < w.facilities.size()) t.resize(w.facilities.size(), nd, nc);
            // Eight residents at a time, in four passes over their needs, so that no branch
            // depends on a random draw (their outcomes are unpredictable by design), and each
            // loop is short enough for the processor to overlap several needs (measured faster
            // than one pass doing everything).
            Needs need;
            for (std::size_t i0 = range.begin(); i0 < range.end(); i0 += PhiloxBatch::kLanes) {
                const std::size_t lanes = std::min<std::size_t>(PhiloxBatch::kLanes, range.end() - i0);
                const std::size_t m = draw_counts(day, i0, lanes, need, month);
                draw_categories(day, need, m, t);
                choose_destinations(day, need, m);
                tally_outcomes(day, need, m, t, month);
            }
        },
        tbb::simple_partitioner());
}

DayType day_type(const Scenario& sc, const Date& date) {
    DayType type = date.weekday() >= 5 ? DayType::weekend : DayType::weekday;
    for (const auto& h : sc.holidays)
        if (!(date < h.start) && !(h.end < date)) type = DayType::holiday;
    return type;
}

}  // namespace lifecircle
