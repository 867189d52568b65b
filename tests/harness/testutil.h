#pragma once

#include "util/result.h"

#include <QTest>

// Fails the current test with the error's one-line text when a Result failed.
#define QVERIFY_RESULT(expr)                                                                       \
    do {                                                                                           \
        const auto &ferry_result_ = (expr);                                                        \
        if (!ferry_result_.ok())                                                                   \
            QFAIL(                                                                                 \
                qPrintable(QStringLiteral(#expr " failed: ") + ferry_result_.error().toString())); \
    } while (false)
