#pragma once

#include "db/connectfailure.h"
#include "util/error.h"

namespace ferry::gui {

// What to do about a connection that failed, one line in the user's language
// (core's classifyConnectFailure reads libpq's message); empty when the cause
// is not known, then libpq's own line is all there is to show.
QString connectAdvice(const Error &error);
QString connectAdvice(ConnectFailure failure);

} // namespace ferry::gui
