using Operator.References;

namespace Operator.Stores;

/// <summary>
/// Resolves the credential references of an integration (implemented outside Stores, which never depends back on it).
/// Failures are exceptions whose message names the field, never the value.
/// </summary>
public interface ICredentialSource
{
    /// <summary>A stamp that changes when a mounted credential changes, so clients are rebuilt.</summary>
    string MountVersion();

    /// <summary>The value behind <paramref name="reference"/>, read for spec field <paramref name="field"/> of integration <paramref name="self"/>.</summary>
    Task<string> ResolveAsync(string reference, string field, IntegrationFqn? self, CancellationToken cancellationToken);
}
