using System.Security;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Stores.Aws;

/// <summary>
/// An OpenID Connect identity provider registered in the fake's IAM (an EKS cluster's OIDC issuer): STS accepts a web
/// identity token of this issuer and audience when the issuer vouches for it (<see cref="IsGenuine"/>: signature and
/// expiry, what STS checks against the issuer's keys; a test asks the Kubernetes API emulator's TokenReview).
/// </summary>
public sealed record StsOidcProvider(string Issuer, Func<string, CancellationToken, Task<bool>> IsGenuine, string Audience = StsOidcProvider.DefaultAudience)
{
    /// <summary>The audience IRSA's projected token has (the client id registered with the OIDC provider).</summary>
    public const string DefaultAudience = "sts.amazonaws.com";
}

/// <summary>
/// AssumeRoleWithWebIdentity as AWS documents it (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html):
/// "does not require the use of AWS security credentials" (unsigned; <see cref="LastWebIdentity"/> records whether a
/// signature came anyway); a token STS cannot validate (malformed, an issuer with no OIDC provider in the account, a
/// wrong audience, a signature the issuer disowns) is refused 400 InvalidIdentityToken; a role whose trust policy does
/// not name the token's subject is refused 403 AccessDenied ("Not authorized to perform sts:AssumeRoleWithWebIdentity");
/// otherwise temporary ASIA keys with an expiry. Missing parameters are a 400 ValidationError, as for every STS action.
/// </summary>
public sealed partial class StsFake
{
    private readonly Lock trustGate = new();
    private readonly List<StsOidcProvider> providers = [];
    private readonly HashSet<(string RoleArn, string Subject)> trusted = [];

    /// <summary>The last AssumeRoleWithWebIdentity request: role, session name, the token's subject, and whether it was signed.</summary>
    public (string RoleArn, string SessionName, string? Subject, bool Signed)? LastWebIdentity { get; private set; }

    /// <summary>Registers an OIDC identity provider in the account (IAM CreateOpenIDConnectProvider).</summary>
    public void AddOidcProvider(StsOidcProvider provider)
    {
        lock (trustGate)
        {
            providers.Add(provider);
        }
    }

    /// <summary>Lets tokens with subject <paramref name="subject"/> (e.g. <c>system:serviceaccount:ns:sa</c>) assume <paramref name="roleArn"/>: the role's trust policy.</summary>
    public void TrustWebIdentity(string roleArn, string subject)
    {
        lock (trustGate)
        {
            trusted.Add((roleArn, subject));
        }
    }

    private async Task<(int Status, string Xml)> AnswerWebIdentityAsync(HttpRequest request, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        foreach (var (name, field) in new[] { ("RoleArn", "roleArn"), ("RoleSessionName", "roleSessionName"), ("WebIdentityToken", "webIdentityToken") })
        {
            if (string.IsNullOrEmpty(form.GetValueOrDefault(name)))
            {
                return (400, Error("ValidationError", $"1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"));
            }
        }

        var role = form["RoleArn"];
        var session = form["RoleSessionName"];
        var jwt = form["WebIdentityToken"];
        var claims = Claims(jwt);
        var subject = (string?)claims?["sub"];
        LastWebIdentity = (role, session, subject, request.Headers.Authorization.Count > 0);
        if (claims is null)
        {
            return (400, Error("InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."));
        }

        var issuer = (string?)claims["iss"] ?? "";
        StsOidcProvider? provider;
        bool allowed;
        lock (trustGate)
        {
            provider = providers.FirstOrDefault(p => p.Issuer == issuer);
            allowed = subject is not null && trusted.Contains((role, subject));
        }

        if (provider is null)
        {
            return (400, Error("InvalidIdentityToken", $"No OpenIDConnect provider found in your account for {issuer}"));
        }

        var audiences = claims["aud"] is JsonArray many ? many.Select(a => (string?)a).ToList() : [(string?)claims["aud"]];
        if (!audiences.Contains(provider.Audience))
        {
            return (400, Error("InvalidIdentityToken", "Incorrect token audience"));
        }

        if (!await provider.IsGenuine(jwt, cancellationToken).ConfigureAwait(false))
        {
            return (400, Error("InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."));
        }

        if (!allowed)
        {
            return (403, Error("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"));
        }

        Faults.Count("AssumeRoleWithWebIdentity.issued");
        var roleName = role[(role.LastIndexOf('/') + 1)..];
        return (200, $"""
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <SubjectFromWebIdentityToken>{SecurityElement.Escape(subject)}</SubjectFromWebIdentityToken>
                <Audience>{SecurityElement.Escape(provider.Audience)}</Audience>
                <AssumedRoleUser><AssumedRoleId>AROAFAKE:{SecurityElement.Escape(session)}</AssumedRoleId><Arn>arn:aws:sts::{SsmFake.Account}:assumed-role/{SecurityElement.Escape(roleName)}/{SecurityElement.Escape(session)}</Arn></AssumedRoleUser>
                {IssueCredentialsXml()}
                <Provider>{SecurityElement.Escape(issuer.Replace("https://", "", StringComparison.Ordinal))}</Provider>
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>
            """);
    }

    /// <summary>The JWT's claims, unverified, or null when it is not a JWT.</summary>
    internal static JsonNode? Claims(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            return JsonNode.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')));
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return null;
        }
    }
}
