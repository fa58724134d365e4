using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>Where one key of a group is read from: a path in the group's store, or (an alias) another group's key.</summary>
public sealed record KeySource(string Key, IntegrationFqn Integration, string Path, SecretFqn? Alias = null)
{
    public string RemoteRef => Alias?.ToString() ?? $"{Integration}::{Path}";
}
