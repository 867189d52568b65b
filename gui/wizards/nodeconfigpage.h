#pragma once

#include <QWizardPage>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace ferry::gui {

// Where Create writes the job's CONFIG.ini (by default in ferry-gui's data
// folder, named after the job), and whether it may replace a file there.
// The log and pid files go beside it.
class NodeConfigPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit NodeConfigPage(QWidget *parent = nullptr);

    QString path() const;
    bool replaces() const;
    QString logFile() const;
    QString pidFile() const;
    QString problem() const;

    void initializePage() override;
    bool isComplete() const override;

private:
    void browse();
    void update();

    QLineEdit *m_path = nullptr;
    QPushButton *m_browse = nullptr;
    QCheckBox *m_replace = nullptr;
    QLabel *m_files = nullptr;
    QLabel *m_error = nullptr;
    QString m_defaultFor; // the job the default path was made for
};

} // namespace ferry::gui
