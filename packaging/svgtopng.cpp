// Renders the application's SVG icon to a square PNG at build time, for the
// hicolor NxN sizes of the package: svgtopng IN.svg SIZE OUT.png
#include <QCoreApplication>
#include <QImage>
#include <QImageReader>
#include <QTextStream>

namespace {

int fail(const QString &text)
{
    QTextStream(stderr) << QStringLiteral("svgtopng: ") << text << Qt::endl;
    return 1;
}

// A picture with no opaque pixel is a failed render (for example a missing
// SVG plugin), not an icon.
bool hasInk(const QImage &image)
{
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (qAlpha(image.pixel(x, y)) > 0)
                return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    // No display at build time, nor any need of one: the icon has no text, and
    // QImage paints without a platform plugin.
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    bool sizeOk = false;
    const int size = args.size() == 4 ? args.at(2).toInt(&sizeOk) : 0;
    if (!sizeOk || size <= 0)
        return fail(QStringLiteral("usage: svgtopng IN.svg SIZE OUT.png"));

    QImageReader reader(args.at(1), "svg");
    reader.setScaledSize(QSize(size, size));
    const QImage image = reader.read();
    if (image.isNull())
        return fail(
            QStringLiteral("cannot render %1: %2 (is Qt's SVG plugin, libqt6svg6, installed?)")
                .arg(args.at(1), reader.errorString()));
    if (image.size() != QSize(size, size) || !hasInk(image))
        return fail(QStringLiteral("rendering %1 at %2 px gave an empty picture")
                        .arg(args.at(1))
                        .arg(size));
    if (!image.save(args.at(3), "PNG"))
        return fail(QStringLiteral("cannot write %1").arg(args.at(3)));
    return 0;
}
