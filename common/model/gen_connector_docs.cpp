// Prints docs/connectors.md as the connector descriptors describe it.
#include <iostream>

#include "common/model/connector_descriptor.h"

int main() {
  std::cout << ferry::model::connectorsMarkdown();
  return 0;
}
