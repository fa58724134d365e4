using Amazon.Runtime;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;
using Operator.Stores.Aws;
using Operator.Testing.Stores.Aws;
using SsmStores = Operator.Tests.Stores.SsmStoreConformanceTests.SsmStores;

namespace Operator.Tests.Stores;

/// <summary>SSM behaviour beyond the conformance suite: auth modes, spec validation, denial, KMS and batching.</summary>
public sealed class SsmStoreTests
{
    private static readonly GroupFqn Group = new("acme", "payments");

    private static SecretStoreIntegrationSpec Spec(Action<AwsStoreSpec>? customize = null, string? prefix = null)
    {
        var aws = new AwsStoreSpec { Region = "us-east-1", Auth = new AwsAuthSpec { AccessKeyId = "tfy-k8s-secret://ID", SecretAccessKey = "tfy-k8s-secret://KEY" } };
        customize?.Invoke(aws);
        return new SecretStoreIntegrationSpec { ProviderAccount = "a", Aws = aws, PathPrefix = prefix };
    }

    [Fact]
    public void ValidSpec_HasNoErrors_AndNamesItsCredentialReferences()
    {
        var factory = new AwsStoreFactory();
        var spec = Spec(a => a.Auth!.SessionToken = "tfy-k8s-secret://TOKEN");

        Assert.Empty(factory.Validate(spec));
        Assert.Equal(
            [("spec.aws.auth.accessKeyId", "tfy-k8s-secret://ID"), ("spec.aws.auth.secretAccessKey", "tfy-k8s-secret://KEY"), ("spec.aws.auth.sessionToken", "tfy-k8s-secret://TOKEN")],
            factory.CredentialReferences(spec).ToList());
        Assert.Empty(factory.CredentialReferences(Spec(a => a.Auth = null)));
    }

    [Theory]
    [InlineData("key-without-secret", "spec.aws.auth.secretAccessKey: required when accessKeyId is set")]
    [InlineData("secret-without-key", "spec.aws.auth.accessKeyId: required when secretAccessKey is set")]
    [InlineData("bad-region", "spec.aws.region: 'Mars' is not an AWS region such as us-east-1")]
    [InlineData("bad-role", "spec.aws.auth.roleArn: 'role/admin' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")]
    [InlineData("external-id-without-role", "spec.aws.auth.externalId: only valid with roleArn")]
    [InlineData("bad-endpoint", "spec.aws.endpoint: must be an absolute http(s) URL without user info")]
    [InlineData("plain-http", "spec.aws.endpoint: plain http to 'ssm.internal.example' sends credentials and values unencrypted; use https, or set spec.insecure: true")]
    public void InvalidSpec_NamesTheFieldAndTheProblem(string variant, string expected)
    {
        var spec = Spec(a =>
        {
            switch (variant)
            {
                case "key-without-secret": a.Auth!.SecretAccessKey = null; break;
                case "secret-without-key": a.Auth!.AccessKeyId = null; break;
                case "bad-region": a.Region = "Mars"; break;
                case "bad-role": a.Auth!.RoleArn = "role/admin"; break;
                case "external-id-without-role": a.Auth!.ExternalId = "x"; break;
                case "bad-endpoint": a.Endpoint = "ftp://user:pw@host"; break;
                case "plain-http": a.Endpoint = "http://ssm.internal.example"; break;
            }
        });

        Assert.Equal([expected], new AwsStoreFactory().Validate(spec));
    }

    [Fact]
    public void PathPrefixThatCannotStartAName_IsRefused()
    {
        var errors = new AwsStoreFactory().Validate(Spec(prefix: "/aws/reserved/")).ToList();

        Assert.Single(errors, e => e.StartsWith("spec.pathPrefix: '/aws/reserved/'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DefaultPath_IsPrefixTenantGroupKey_WithTheSlashAddedWhenMissing()
    {
        await using var fake = await SsmFake.StartAsync();
        var integration = SsmStores.Integration(fake);
        integration.Spec.PathPrefix = "/platform";
        await using var store = SsmStores.Create(integration, SsmStores.Keys());

        Assert.Equal("/platform/acme/payments/API_KEY", store.DefaultPath(Group, "API_KEY"));
    }

    [Fact]
    public async Task NoAuth_UsesTheAmbientChain()
    {
        await using var fake = await SsmFake.StartAsync();
        await using var store = SsmStores.Create(SsmStores.Integration(fake, a => a.Auth = null), new Dictionary<string, string>());

        Assert.Null(((SsmStore)store).Credentials);
    }

    [Fact]
    public async Task AssumedRole_CallsStsOnce_AndSignsSsmCallsWithTheTemporaryKey()
    {
        await using var fake = await SsmFake.StartAsync();
        fake.Seed("/tfy-secret/acme/payments/A", "a");
        const string role = "arn:aws:iam::123456789012:role/secret-reader";
        await using var store = SsmStores.Create(
            SsmStores.Integration(fake, a => { a.Auth!.RoleArn = role; a.Auth.ExternalId = "ext-42"; }),
            SsmStores.Keys());

        Assert.Equal("a", (await store.ReadAsync(store.DefaultPath(Group, "A"), CancellationToken.None))!.Text());
        Assert.Null(await store.ReadAsync(store.DefaultPath(Group, "B"), CancellationToken.None));

        Assert.Equal(1, fake.Sts.CallCount("AssumeRole"));
        Assert.Equal(role, fake.Sts.LastAssumeRole!.Value.RoleArn);
        Assert.Equal("ext-42", fake.Sts.LastAssumeRole.Value.ExternalId);
        Assert.All(fake.Calls.Where(c => c.Operation == "GetParameters"), c => Assert.StartsWith("ASIA", c.AccessKeyId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StaticKeyWithSessionToken_SendsTheToken()
    {
        await using var fake = await SsmFake.StartAsync();
        fake.AllowAccessKey("ASIASTATIC0000000001", "static-session-token");
        var keys = SsmStores.Keys("ASIASTATIC0000000001", "s");
        await using var without = SsmStores.Create(SsmStores.Integration(fake), keys);
        keys["spec.aws.auth.sessionToken"] = "static-session-token";
        await using var with = SsmStores.Create(SsmStores.Integration(fake), keys);

        await with.ValidateAsync(CancellationToken.None);
        var e = await Assert.ThrowsAsync<SecretStoreException>(() => without.ValidateAsync(CancellationToken.None));

        Assert.Equal(StoreErrorKind.AuthenticationFailed, e.Kind);
    }

    [Fact]
    public async Task AssumedRole_WithRefusedSourceKey_IsAuthenticationFailed()
    {
        await using var fake = await SsmFake.StartAsync();
        await using var store = SsmStores.Create(
            SsmStores.Integration(fake, a => a.Auth!.RoleArn = "arn:aws:iam::123456789012:role/r"),
            SsmStores.Keys("AKIAUNKNOWNCANARY001", "canary-secret"));

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ValidateAsync(CancellationToken.None));

        Assert.Equal(StoreErrorKind.AuthenticationFailed, e.Kind);
        Assert.DoesNotContain("CANARY", e.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, fake.CallCount("GetParameters"));
    }

    [Fact]
    public async Task DeniedParameters_AreAccessDenied_NamingThePath_WithoutTheAwsMessage()
    {
        await using var fake = await SsmFake.StartAsync();
        fake.DenyPrefix("/tfy-secret/acme/payments/");
        await using var store = SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys());

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(store.DefaultPath(Group, "K"), CancellationToken.None));

        Assert.Equal(StoreErrorKind.AccessDenied, e.Kind);
        Assert.Equal("StoreAccessDenied", e.Reason);
        Assert.Contains("'/tfy-secret/acme/payments/K'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("arn:aws:iam", e.ToString(), StringComparison.Ordinal);
        Assert.Null(e.InnerException);
    }

    [Fact]
    public async Task Write_IsASecureStringUnderTheIntegrationsKmsKey_AndBumpsTheVersion()
    {
        await using var fake = await SsmFake.StartAsync();
        const string kms = "arn:aws:kms:us-east-1:123456789012:key/1234abcd";
        await using var store = SsmStores.Create(SsmStores.Integration(fake, a => a.KmsKeyArn = kms), SsmStores.Keys());
        var path = store.DefaultPath(Group, "W");

        Assert.Equal("1", await store.WriteAsync(path, "one", CancellationToken.None));
        Assert.Equal("2", await store.WriteAsync(path, "two", CancellationToken.None));

        Assert.Equal("two", fake.Values[path]);
        Assert.Equal(kms, fake.KeyIdOf(path));
    }

    [Theory]
    [InlineData("/tfy-secret/acme/p/bad key")]
    [InlineData("no-leading-slash/with/levels")]
    [InlineData("/aws/reserved")]
    [InlineData("/trailing/")]
    public async Task InvalidNames_AreRefusedBeforeAnyCall(string path)
    {
        await using var fake = await SsmFake.StartAsync();
        await using var store = SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys());

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadManyAsync(["/fine/name", path], CancellationToken.None));

        Assert.Equal(StoreErrorKind.InvalidPath, e.Kind);
        Assert.Equal(0, fake.TotalCalls);
    }

    [Fact]
    public async Task TooLongName_IsRefused()
    {
        await using var fake = await SsmFake.StartAsync();
        await using var store = SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys());

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.WriteAsync("/" + new string('a', 2048), "v", CancellationToken.None));

        Assert.Equal(StoreErrorKind.InvalidPath, e.Kind);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 1)]
    [InlineData(11, 2)]
    [InlineData(25, 3)]
    public async Task ReadingKeys_TakesOneGetParametersPerTenNames(int keys, int expectedCalls)
    {
        await using var fake = await SsmFake.StartAsync();
        await using var store = SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys());
        var paths = Enumerable.Range(0, keys).Select(i => store.DefaultPath(Group, $"K{i}")).ToList();
        paths.ForEach(p => fake.Seed(p, "v"));

        var values = await store.ReadManyAsync(paths, CancellationToken.None);

        Assert.Equal(keys, values.Count);
        Assert.Equal(expectedCalls, fake.CallCount("GetParameters"));
        Assert.Equal(expectedCalls, fake.TotalCalls);
    }

    [Fact]
    public async Task DeletingAMissingParameter_IsFine_AndDeletingRemovesIt()
    {
        await using var fake = await SsmFake.StartAsync();
        await using var store = SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys());
        var path = store.DefaultPath(Group, "D");
        fake.Seed(path, "x");

        await store.DeleteAsync(path, CancellationToken.None);
        await store.DeleteAsync(path, CancellationToken.None);

        Assert.False(fake.Values.ContainsKey(path));
        Assert.Equal(2, fake.CallCount("DeleteParameter"));
    }

    [Fact]
    public async Task ServerErrors_AreUnavailable_WithTheErrorCode()
    {
        await using var fake = await SsmFake.StartAsync();
        fake.FailShare(1.0, 500, "InternalServerError");
        await using var store = SsmStores.Create(SsmStores.Integration(fake), SsmStores.Keys());

        var e = await Assert.ThrowsAsync<SecretStoreException>(() => store.ValidateAsync(CancellationToken.None));

        Assert.Equal(StoreErrorKind.Unavailable, e.Kind);
        Assert.Contains("InternalServerError", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorMapping_CoversTheAuthAndThrottleCodes()
    {
        static StoreErrorKind Kind(string code, System.Net.HttpStatusCode status = System.Net.HttpStatusCode.BadRequest) =>
            SsmErrors.Map(new AmazonServiceException("m", null, ErrorType.Sender, code, "req-1", status), "GetParameters", null).Kind;

        Assert.Equal(StoreErrorKind.AuthenticationFailed, Kind("UnrecognizedClientException"));
        Assert.Equal(StoreErrorKind.AuthenticationFailed, Kind("InvalidSignatureException"));
        Assert.Equal(StoreErrorKind.AuthenticationFailed, Kind("ExpiredTokenException"));
        Assert.Equal(StoreErrorKind.AccessDenied, Kind("AccessDeniedException"));
        Assert.Equal(StoreErrorKind.Throttled, Kind("ThrottlingException"));
        Assert.Equal(StoreErrorKind.Throttled, Kind("TooManyUpdates"));
        Assert.Equal(StoreErrorKind.Throttled, Kind("Whatever", System.Net.HttpStatusCode.TooManyRequests));
        Assert.Equal(StoreErrorKind.InvalidPath, Kind("ValidationException"));
    }

    [Theory]
    [InlineData("prod", true)]
    [InlineData("last-known-good.v2_b", true)]
    [InlineData("", false)]
    [InlineData("1st", false)]
    [InlineData("aws-prod", false)]
    [InlineData("SSM-prod", false)]
    [InlineData("has space", false)]
    [InlineData("a/b", false)]
    public void Labels_FollowSsmRules(string text, bool label)
    {
        Assert.Equal(label, SsmStore.IsLabel(text));
        Assert.True(SsmStore.IsLabel(new string('l', 100)));
        Assert.False(SsmStore.IsLabel(new string('l', 101)));
    }
}
