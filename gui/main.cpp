#include "app/application.h"

int main(int argc, char *argv[])
{
    return ferry::gui::runApplication(argc, argv);
}
