#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <tbb/enumerable_thread_specific.h>

#include "core/philox_batch.hpp"
#include "core/scenario.hpp"
#include "core/world.hpp"
#include "models/destination_choice.hpp"
#include "models/levers.hpp"
#include "models/needs.hpp"
#include "sim/tally.hpp"

namespace lifecircle {

/// What one day's trips read, fixed for the day.
struct TripDay {
    std::int64_t day = 0;  ///< days since 1970-01-01
    const World* world = nullptr;
    NeedModel::Day needs;  ///< the day type's need tables
    const ChoiceCache* cache = nullptr;
    const PhiloxBatch* philox = nullptr;                    ///< the needs' random words
    const std::vector<std::uint8_t>* night_slot = nullptr;  ///< per slot: 1 = between 22:00 and 06:00
    const std::vector<std::int64_t>* spend_fen = nullptr;   ///< per category: spend a visit, fen
    /// per district x Tally::kSlots: the share of orders couriers carry (0: no delivery then)
    const std::vector<float>* carried = nullptr;
    std::array<double, kAgeGroups> tenths_per_metre{};  ///< walking time, 1/10 minute a metre
    std::size_t first = 0, last = 0;                    ///< the residents to simulate: [first, last)
};

/// The day's trips of the residents [day.first, day.last), in parallel over blocks of residents: needs drawn,
/// destinations chosen (or delivery, or unmet), tallied into the calling thread's Tally and
/// the residents' month. Deterministic: each resident's draws depend only on (seed, resident,
/// day), and tallies are integers.
void simulate_trips(const TripDay& day, tbb::enumerable_thread_specific<Tally>& tallies, ResidentTally& month);

/// Day type of a date: a holiday of the scenario, else weekend or weekday.
DayType day_type(const Scenario& scenario, const Date& date);

}  // namespace lifecircle
