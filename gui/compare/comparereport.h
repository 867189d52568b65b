#pragma once

#include "compare/compareresult.h"

#include <QDateTime>

namespace ferry::gui {

// A run of the Compare page as it is exported.
struct CompareReport
{
    QString node;
    QString provider; // the provider node's name
    QString queue;
    QDateTime finishedAt;
    QList<CompareRow> rows;
};

// The report as CSV and HTML, in the user's language. CSV: the tables (one
// line each), an empty line, then the rows that differ (one line per
// differing column of a changed row, one per missing or extra row); NULL is
// an empty unquoted field and an empty text "", as PostgreSQL's COPY ... CSV
// writes them. HTML: one self-contained page, differing values marked "≠"
// and in bold, not by color alone.
class CompareReportWriter
{
    Q_DECLARE_TR_FUNCTIONS(ferry::gui::CompareReportWriter)

public:
    static QString csv(const CompareReport &report);
    static QString html(const CompareReport &report);
};

} // namespace ferry::gui
