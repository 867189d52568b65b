#pragma once

#include <QtGlobal>

namespace ferry::test {

// Resident memory of this process from /proc/self/status, in kB (-1 if unreadable).
qint64 currentRssKb(); // VmRSS
qint64 peakRssKb();    // VmHWM: the peak since start or since resetPeakRss()

// Writing 5 to /proc/self/clear_refs resets the peak (Linux >= 4.0), so
// peakRssKb() then measures what follows alone.
bool resetPeakRss();

} // namespace ferry::test
