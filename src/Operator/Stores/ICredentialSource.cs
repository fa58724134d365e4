using Operator.References;

namespace Operator.Stores;

/// <summary>
/// Resolves the credential references of an integration (implemented outside Stores, which never depends back on it).
/// Failures are exceptions whose message names the field, never the value.
/// </summary>
public interface ICredentialSource
{
    /// <summary>
    /// A stamp of what <paramref name="references"/> currently resolve to, cheap to compute (caches only): it changes
    /// when a mounted Secret or a referenced group's data changes, and when a store path is due to be re-read on its
    /// refresh interval, so the credentials are resolved again and a rotated credential reaches the client.
    /// </summary>
    string VersionOf(IEnumerable<string> references);

    /// <summary>The value behind <paramref name="reference"/>, read for spec field <paramref name="field"/> of integration <paramref name="self"/>.</summary>
    Task<string> ResolveAsync(string reference, string field, IntegrationFqn? self, CancellationToken cancellationToken);
}
