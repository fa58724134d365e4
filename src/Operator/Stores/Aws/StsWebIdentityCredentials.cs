using System.Globalization;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Operator.Stores.Aws;

/// <summary>
/// IRSA: the projected ServiceAccount token (re-read on every refresh, as the kubelet rotates it) exchanged at STS
/// AssumeRoleWithWebIdentity, an unsigned call, for temporary credentials refreshed before they expire. Ours, not the
/// SDK's AssumeRoleWithWebIdentityCredentials: that one builds its STS client by reflection (fails under Native AOT),
/// ignores spec.aws.stsEndpoint and can only read the process environment.
/// </summary>
internal sealed class StsWebIdentityCredentials : RefreshingAWSCredentials
{
    private readonly string roleArn;
    private readonly string tokenFile;
    private readonly string sessionName;
    private readonly Func<AmazonSecurityTokenServiceConfig> config;
    private readonly TimeProvider time;

    public StsWebIdentityCredentials(string roleArn, string tokenFile, string sessionName, Func<AmazonSecurityTokenServiceConfig> config, TimeProvider time)
    {
        this.roleArn = roleArn;
        this.tokenFile = tokenFile;
        this.sessionName = sessionName;
        this.config = config;
        this.time = time;
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    public string RoleArn => roleArn;

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        string token;
        try
        {
            token = (await File.ReadAllTextAsync(tokenFile).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"cannot read the web identity token file {tokenFile} ({AwsAmbientEnvironment.WebIdentityTokenFileVariable}): {e.GetType().Name}; is the IRSA token volume mounted?");
        }

        using var sts = new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), config());
        try
        {
            var response = await sts.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest
            {
                RoleArn = roleArn,
                RoleSessionName = sessionName,
                WebIdentityToken = token,
            }).ConfigureAwait(false);
            var c = response.Credentials;
            return new CredentialsRefreshState(new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken), c.Expiration ?? time.GetUtcNow().UtcDateTime.AddMinutes(15));
        }
        catch (AmazonServiceException e)
        {
            throw StsErrors.Map(e, "AssumeRoleWithWebIdentity", roleArn, e.ErrorCode switch
            {
                "AccessDenied" => "the role's trust policy does not let this ServiceAccount assume it; check its Federated principal (the cluster's OIDC provider) and its sub and aud (sts.amazonaws.com) conditions",
                "InvalidIdentityToken" or "ExpiredTokenException" or "IDPRejectedClaim" => $"the token in {AwsAmbientEnvironment.WebIdentityTokenFileVariable} was not accepted; check the cluster's OIDC provider is registered in IAM and the token's audience is sts.amazonaws.com",
                _ => "check the ServiceAccount's eks.amazonaws.com/role-arn annotation",
            });
        }
        catch (HttpRequestException e)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"cannot reach STS for AssumeRoleWithWebIdentity: {e.HttpRequestError}");
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"AssumeRoleWithWebIdentity({roleArn})");
}

/// <summary>STS failures as store errors: the code, the role and the request id; never STS's message, which can quote the token's claims.</summary>
internal static class StsErrors
{
    public static SecretStoreException Map(AmazonServiceException e, string action, string roleArn, string hint)
    {
        var code = string.IsNullOrEmpty(e.ErrorCode) ? $"HTTP {(int)e.StatusCode}" : e.ErrorCode;
        var id = string.IsNullOrEmpty(e.RequestId) ? "" : $" (request id {e.RequestId})";
        var kind = code is "Throttling" or "ThrottlingException" ? StoreErrorKind.Throttled
            : (int)e.StatusCode >= 500 || code is "IDPCommunicationError" ? StoreErrorKind.Unavailable
            : StoreErrorKind.AuthenticationFailed;
        return new SecretStoreException(kind, $"STS refused {action} for {roleArn} ({code}){id}; {hint}");
    }
}
