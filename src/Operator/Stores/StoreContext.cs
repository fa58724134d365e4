using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.Stores;

/// <summary>
/// Everything a store needs to connect: the integration, its resolved credentials (keyed by spec field, e.g.
/// <c>spec.aws.auth.secretAccessKey</c>), the integration's rate limiter (one token per API call) and a retry policy
/// for throttling.
/// </summary>
public sealed record StoreContext(
    SecretStoreIntegration Integration,
    IntegrationFqn Fqn,
    IReadOnlyDictionary<string, string> Credentials,
    TokenBucket RateLimiter,
    StoreRetry Retry,
    TimeProvider Time)
{
    /// <summary>Never prints credentials.</summary>
    public override string ToString() => $"StoreContext({Fqn})";
}
