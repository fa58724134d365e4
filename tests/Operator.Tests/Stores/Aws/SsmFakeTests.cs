using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Operator.Testing.Stores.Aws;

namespace Operator.Tests.Stores;

/// <summary>The SSM fake answers the real AWS SDK the way SSM does.</summary>
public sealed class SsmFakeTests
{
    private static AmazonSimpleSystemsManagementClient Client(SsmFake fake, AWSCredentials? credentials = null) =>
        new(credentials ?? new BasicAWSCredentials(SsmFake.DefaultAccessKeyId, SsmFake.DefaultSecretAccessKey),
            new AmazonSimpleSystemsManagementConfig { ServiceURL = fake.Url, AuthenticationRegion = SsmFake.Region, MaxErrorRetry = 0 });

    [Fact]
    public async Task GetParametersByPath_PagesByNextToken_AndHonoursRecursive()
    {
        await using var fake = await SsmFake.StartAsync();
        for (var i = 0; i < 23; i++)
        {
            fake.Seed($"/app/k{i:D2}", $"v{i}");
        }

        fake.Seed("/app/nested/deep", "d");
        using var client = Client(fake);

        var flat = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await client.GetParametersByPathAsync(new GetParametersByPathRequest { Path = "/app", MaxResults = 10, NextToken = next });
            flat.AddRange(page.Parameters.Select(p => p.Name));
            next = page.NextToken;
            pages++;
        }
        while (next is not null);

        var recursive = await client.GetParametersByPathAsync(new GetParametersByPathRequest { Path = "/app/nested", Recursive = true, WithDecryption = true });

        Assert.Equal(3, pages);
        Assert.Equal(23, flat.Count);
        Assert.DoesNotContain("/app/nested/deep", flat);
        Assert.Equal("d", Assert.Single(recursive.Parameters).Value);
    }

    [Fact]
    public async Task GetParameter_PutParameter_AndTheirErrors()
    {
        await using var fake = await SsmFake.StartAsync();
        using var client = Client(fake);

        var put = await client.PutParameterAsync(new PutParameterRequest { Name = "/a/b", Value = "x", Type = ParameterType.SecureString });
        var again = await Assert.ThrowsAsync<ParameterAlreadyExistsException>(() => client.PutParameterAsync(new PutParameterRequest { Name = "/a/b", Value = "y", Type = ParameterType.SecureString }));
        var over = await client.PutParameterAsync(new PutParameterRequest { Name = "/a/b", Value = "y", Type = ParameterType.SecureString, Overwrite = true });
        var got = await client.GetParameterAsync(new GetParameterRequest { Name = "/a/b", WithDecryption = true });
        await Assert.ThrowsAsync<ParameterNotFoundException>(() => client.GetParameterAsync(new GetParameterRequest { Name = "/a/missing" }));
        var batch = await client.GetParametersAsync(new GetParametersRequest { Names = ["/a/b", "/a/missing"] });

        Assert.Equal(1, put.Version);
        Assert.NotNull(again);
        Assert.Equal(2, over.Version);
        Assert.Equal(("y", 2L), (got.Parameter.Value, got.Parameter.Version ?? 0));
        Assert.Equal(["/a/missing"], batch.InvalidParameters);
        Assert.Equal(6, fake.TotalCalls);
        Assert.Equal(3, fake.CallCount("PutParameter"));
    }

    [Fact]
    public async Task SecureString_ComesBackEncrypted_UnlessWithDecryption()
    {
        await using var fake = await SsmFake.StartAsync();
        using var client = Client(fake);
        await client.PutParameterAsync(new PutParameterRequest { Name = "/a/secure", Value = "plain-canary", Type = ParameterType.SecureString });
        await client.PutParameterAsync(new PutParameterRequest { Name = "/a/text", Value = "plain-text", Type = ParameterType.String });

        var encrypted = await client.GetParametersAsync(new GetParametersRequest { Names = ["/a/secure", "/a/text"] });
        var decrypted = await client.GetParametersAsync(new GetParametersRequest { Names = ["/a/secure", "/a/text"], WithDecryption = true });
        var byPath = await client.GetParametersByPathAsync(new GetParametersByPathRequest { Path = "/a" });

        Assert.DoesNotContain("plain-canary", encrypted.Parameters.Select(p => p.Value));
        Assert.DoesNotContain("plain-canary", byPath.Parameters.Select(p => p.Value));
        Assert.Equal("plain-text", encrypted.Parameters.Single(p => p.Name == "/a/text").Value);
        Assert.Equal(["plain-canary", "plain-text"], decrypted.Parameters.OrderBy(p => p.Name).Select(p => p.Value));
    }

    [Fact]
    public async Task StsCalls_AreNotServedOnTheSsmEndpoint_ButOnTheStsOne()
    {
        await using var fake = await SsmFake.StartAsync();
        using var http = new HttpClient();
        static HttpRequestMessage AssumeRole(string url)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=s", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={SsmFake.DefaultAccessKeyId}/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00");
            return request;
        }

        using var onSsm = await http.SendAsync(AssumeRole(fake.Url));
        using var onSts = await http.SendAsync(AssumeRole(fake.Sts.Url));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, onSsm.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, onSts.StatusCode);
        Assert.Equal(1, fake.Sts.CallCount("AssumeRole"));
    }

    [Fact]
    public async Task UnknownKey_IsUnrecognizedClient_AndASessionKeyNeedsItsToken()
    {
        await using var fake = await SsmFake.StartAsync();
        fake.AllowAccessKey("ASIASESSION000000001", "the-token");
        using var unknown = Client(fake, new BasicAWSCredentials("AKIANOTKNOWN00000001", "s"));
        using var noToken = Client(fake, new BasicAWSCredentials("ASIASESSION000000001", "s"));
        using var withToken = Client(fake, new SessionAWSCredentials("ASIASESSION000000001", "s", "the-token"));
        var request = new GetParametersRequest { Names = ["/x"] };

        var e = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => unknown.GetParametersAsync(request));
        await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => noToken.GetParametersAsync(request));
        await withToken.GetParametersAsync(request);

        Assert.Equal("UnrecognizedClientException", e.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, e.StatusCode);
    }

    [Fact]
    public async Task ThrottleAtTps_RefusesCallsBeyondTheRate()
    {
        await using var fake = await SsmFake.StartAsync();
        fake.ThrottleAtTps(2);
        using var client = Client(fake);
        var request = new GetParametersRequest { Names = ["/x"] };

        await client.GetParametersAsync(request);
        await client.GetParametersAsync(request);
        var e = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => client.GetParametersAsync(request));

        Assert.Equal("ThrottlingException", e.ErrorCode);
        Assert.Equal(3, fake.CallCount("GetParameters"));
    }

    [Fact]
    public async Task Errors_AreJson11WithType_AndMaxResultsIsCappedAtTen()
    {
        await using var fake = await SsmFake.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, fake.Url)
        {
            Content = new StringContent("{\"Path\":\"/app\",\"MaxResults\":11}", System.Text.Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        request.Headers.Add("X-Amz-Target", "AmazonSSM.GetParametersByPath");
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={SsmFake.DefaultAccessKeyId}/20260101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=00");

        using var response = await http.SendAsync(request);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("ValidationException", (string?)body["__type"]);
        Assert.False(string.IsNullOrEmpty((string?)body["message"]));
    }
}
