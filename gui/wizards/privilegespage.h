#pragma once

#include "cascade/nodeprivileges.h"

#include <QWizardPage>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTextBrowser;

namespace ferry::gui {

// What the node's role may do where the node will be (checkNodePrivileges,
// off the UI thread): each check granted or missing with what that means,
// and the GRANT statements that fix what is missing, to copy to a
// superuser. Next waits while something needed is missing; Re-check reads
// again after the grants ran.
class PrivilegesPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit PrivilegesPage(QWidget *parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;

    void recheck();
    bool isChecking() const { return m_checking; }
    QString resultText() const;
    QString grantsText() const;
    QString listText() const;

private:
    void show(const Result<NodePrivileges> &checked);

    QTextBrowser *m_list = nullptr;
    QLabel *m_result = nullptr;
    QLabel *m_grantsLabel = nullptr;
    QPlainTextEdit *m_grants = nullptr;
    QPushButton *m_recheck = nullptr;
    QProgressBar *m_busy = nullptr;
    std::optional<NodePrivileges> m_checked;
    bool m_checking = false;
    quint64 m_generation = 0;
};

} // namespace ferry::gui
