// The runaway guard reads plain plans, where an unaliased hypertable shows
// only as its chunks (_hyper_1_3_chunk). Before a refusal reaches the model,
// each such chunk is named by the hypertable it belongs to.
#pragma once

#include <string>

#include "tools/environment.h"

namespace fleetmcp::tools {

// `message` with every "the hypertable of chunk _hyper_…_chunk" replaced by
// that hypertable's schema-qualified name (left as it is when the catalog
// does not know the chunk, or cannot be asked).
std::string with_hypertable_names(ToolEnvironment& env, std::string message);

}  // namespace fleetmcp::tools
