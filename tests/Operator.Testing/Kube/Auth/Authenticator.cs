using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Kube;

/// <summary>
/// Request authentication as a kube-apiserver with a static token file, ServiceAccount tokens and anonymous auth:
/// a bearer token must be known (else 401), no token at all is system:anonymous (when anonymous auth is on), and
/// every authenticated user gets system:authenticated. Static tokens are audience-agnostic: they are accepted only
/// for the API server's own audiences, as authenticator.WrapAudienceAgnosticToken does.
/// </summary>
internal sealed class Authenticator(ServiceAccountTokens serviceAccounts, IReadOnlyList<string> apiAudiences, bool anonymous)
{
    private const string InvalidToken = "invalid bearer token";

    private readonly ConcurrentDictionary<string, StaticToken> _static = new(StringComparer.Ordinal);

    public IReadOnlyList<string> ApiAudiences => apiAudiences;

    public void Register(StaticToken token) => _static[token.Token] = token;

    /// <summary>Authenticates <paramref name="token"/> for <paramref name="audiences"/> (none: the API server's own).</summary>
    public AuthResult AuthenticateToken(string token, IReadOnlyList<string>? audiences = null)
    {
        var target = audiences is { Count: > 0 } ? audiences : apiAudiences;
        if (_static.TryGetValue(token, out var entry))
        {
            var accepted = apiAudiences.Intersect(target, StringComparer.Ordinal).ToList();
            return accepted.Count == 0
                ? AuthResult.Failed(InvalidToken)
                : new AuthResult(new KubeUser(entry.User, entry.Groups, entry.Uid).WithAuthenticatedGroup(), accepted, null);
        }

        return serviceAccounts.Authenticate(token, target) switch
        {
            null => AuthResult.Failed(InvalidToken),
            { User: { } user } result => result with { User = user.WithAuthenticatedGroup() },
            var failed => failed,
        };
    }

    /// <summary>The user of an HTTP request; throws the API server's 401 for a bad token or a missing one without anonymous auth.</summary>
    public KubeUser AuthenticateRequest(HttpRequest request)
    {
        var header = (string?)request.Headers.Authorization ?? "";
        var parts = header.Split(' ', 3);
        if (parts.Length >= 2 && parts[0].Equals("bearer", StringComparison.OrdinalIgnoreCase) && parts[1].Length > 0)
        {
            return AuthenticateToken(parts[1]).User ?? throw Unauthorized();
        }

        return anonymous ? new KubeUser(KubeUser.Anonymous, [KubeUser.AllUnauthenticated]) : throw Unauthorized();
    }

    private static KubeApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");
}
