using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Controllers;

/// <summary>
/// What the resolve step found for a group: the Ready integration it reads from, the managed Secret's name, the refresh
/// interval and the inputs that decide whether it is due.
/// </summary>
public sealed record ResolvedGroup(
    SecretStoreIntegration Integration,
    IntegrationFqn Fqn,
    string SecretName,
    TimeSpan Interval,
    SyncInputs Inputs);
