using System.Globalization;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;

namespace Operator.Controllers;

/// <summary>
/// A sync that got as far as the managed Secret: what was written, whether the data changed (not on the first sync)
/// and when the next one is due.
/// </summary>
public sealed record SyncResult(GroupData Data, string DataHash, bool Written, bool DataChanged, DateTime SyncedAt, DateTime NextSync);
