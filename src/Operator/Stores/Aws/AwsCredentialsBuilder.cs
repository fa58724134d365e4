using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Operator.Entities.V1Alpha1;

namespace Operator.Stores.Aws;

/// <summary>
/// Builds the AWS credentials of an integration: static key, assumed role, the pod's IRSA or EKS Pod Identity
/// (<see cref="AwsAmbientEnvironment"/>), or null for the rest of the SDK's ambient chain (environment keys, instance role).
/// </summary>
internal static class AwsCredentialsBuilder
{
    public const string AccessKeyIdField = "spec.aws.auth.accessKeyId";
    public const string SecretAccessKeyField = "spec.aws.auth.secretAccessKey";
    public const string SessionTokenField = "spec.aws.auth.sessionToken";

    public static AWSCredentials? Build(AwsStoreSpec spec, IReadOnlyDictionary<string, string> credentials, string sessionName, TimeProvider time, AwsAmbientEnvironment? ambient = null)
    {
        ambient ??= new AwsAmbientEnvironment();
        var auth = spec.Auth;
        AWSCredentials? source = null;
        if (credentials.TryGetValue(AccessKeyIdField, out var keyId) && credentials.TryGetValue(SecretAccessKeyField, out var secret))
        {
            source = credentials.TryGetValue(SessionTokenField, out var token) && token.Length > 0
                ? new SessionAWSCredentials(keyId.Trim(), secret.Trim(), token.Trim())
                : new BasicAWSCredentials(keyId.Trim(), secret.Trim());
        }
        else
        {
            source = Ambient(spec, sessionName, time, ambient);
        }

        if (string.IsNullOrEmpty(auth?.RoleArn))
        {
            return source;
        }

        return new StsAssumeRoleCredentials(source, auth.RoleArn, auth.ExternalId, sessionName, spec, time, ambient);
    }

    /// <summary>IRSA first, then container credentials, in the SDK chain's order; null leaves the rest to the SDK.</summary>
    private static AWSCredentials? Ambient(AwsStoreSpec spec, string sessionName, TimeProvider time, AwsAmbientEnvironment ambient)
    {
        if (ambient.WebIdentity is { } irsa)
        {
            return new StsWebIdentityCredentials(irsa.RoleArn, irsa.TokenFile, irsa.SessionName ?? sessionName, () => StsConfig(spec, ambient), time);
        }

        if (ambient.ContainerCredentialsUri is { } uri)
        {
            var (endpoint, problem) = ContainerCredentials.Check(uri);
            return endpoint is null
                ? throw new SecretStoreException(StoreErrorKind.Misconfigured, problem!)
                : new ContainerCredentials(endpoint, ambient, time);
        }

        return null;
    }

    /// <summary>
    /// STS is its own service: spec.aws.stsEndpoint (a VPC endpoint), else <c>AWS_ENDPOINT_URL_STS</c> (as the SDKs
    /// honour it), else the integration region's endpoint; never the SSM endpoint.
    /// </summary>
    internal static AmazonSecurityTokenServiceConfig StsConfig(AwsStoreSpec spec, AwsAmbientEnvironment ambient)
    {
        var config = new AmazonSecurityTokenServiceConfig
        {
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var endpoint = string.IsNullOrEmpty(spec.StsEndpoint) ? ambient[AwsAmbientEnvironment.StsEndpointVariable] : spec.StsEndpoint;
        if (endpoint is null)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(spec.Region);
        }
        else
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = spec.Region;
        }

        return config;
    }
}

/// <summary>
/// Assumed-role credentials from STS AssumeRole, refreshed before they expire. The SDK's own AssumeRoleAWSCredentials
/// cannot take an endpoint override, which a VPC endpoint (and the test fake) need.
/// </summary>
internal sealed class StsAssumeRoleCredentials : RefreshingAWSCredentials
{
    private readonly AWSCredentials? source;
    private readonly string roleArn;
    private readonly string? externalId;
    private readonly string sessionName;
    private readonly AwsStoreSpec spec;
    private readonly TimeProvider time;
    private readonly AwsAmbientEnvironment ambient;

    public StsAssumeRoleCredentials(AWSCredentials? source, string roleArn, string? externalId, string sessionName, AwsStoreSpec spec, TimeProvider time, AwsAmbientEnvironment ambient)
    {
        this.ambient = ambient;
        this.time = time;
        this.source = source;
        this.roleArn = roleArn;
        this.externalId = externalId;
        this.sessionName = sessionName;
        this.spec = spec;
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    public string RoleArn => roleArn;

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var config = AwsCredentialsBuilder.StsConfig(spec, ambient);
        var from = source ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(config).ConfigureAwait(false);
        using var sts = new AmazonSecurityTokenServiceClient(from, config);
        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = roleArn,
            RoleSessionName = sessionName,
            ExternalId = string.IsNullOrEmpty(externalId) ? null : externalId,
            DurationSeconds = 3600,
        }).ConfigureAwait(false);
        var c = response.Credentials;
        return new CredentialsRefreshState(new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken), c.Expiration ?? time.GetUtcNow().UtcDateTime.AddMinutes(15));
    }

    public override string ToString() => $"AssumeRole({roleArn})";
}
