#pragma once

#include "compare/comparerunner.h"

#include <QCoreApplication>

namespace ferry::gui {

// One table of a run on the Compare page.
struct CompareRow
{
    enum class State {
        Waiting,  // its turn has not come
        Running,  // being compared now (phase)
        Compared, // result holds the comparison
        Failed,   // error says why
        NotRun,   // canceled, or stopped after another table's error (error says)
    };
    CompareTable table;
    State state = State::Waiting;
    ComparePhase phase = ComparePhase::WaitingForNode;
    std::optional<TableComparison> result;
    QString error;

    bool mismatch() const { return result && result->compared() && !result->equal(); }
    // A mismatch repair can fix: its differing keys are all listed.
    bool repairable() const
    {
        return mismatch() && !result->tooMany && !result->differences.isEmpty();
    }
};

// The page's and the report's words for a run's rows.
class CompareText
{
    Q_DECLARE_TR_FUNCTIONS(ferry::gui::CompareText)

public:
    // "digoal_01.user_info → digoal_02.user_info1 where userid<1000"
    static QString tableTitle(const CompareTable &table);
    static QString phase(ComparePhase phase);
    // "ok", "MISMATCH", "not compared: why", "failed: why", "checksumming…"
    static QString status(const CompareRow &row);
    // "ok" or "MISMATCH" alone; empty when there is no comparison.
    static QString verdict(const CompareRow &row);
    // "missing on the node", "extra on the node", "changed"
    static QString kind(RowDifference::Kind kind);
    // "userid=5" or "region=ab, userid=7"
    static QString key(const QStringList &columns, const QStringList &key);
};

} // namespace ferry::gui
