using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>
/// Where one key of a group is read from: a path in the group's store (at <see cref="Version"/> when the remoteRef pins
/// one), or (an alias) another group's key.
/// </summary>
public sealed record KeySource(string Key, IntegrationFqn Integration, string Path, SecretFqn? Alias = null, string? Version = null)
{
    public string RemoteRef => Alias?.ToString() ?? $"{Integration}::{VersionPins.Format(Integration.Provider, Path, Version)}";
}
