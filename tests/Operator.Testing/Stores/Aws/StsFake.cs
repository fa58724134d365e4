using System.Globalization;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Stores.Aws;

/// <summary>
/// AWS STS on its own 127.0.0.1 endpoint (STS is a separate service with its own endpoint, e.g. a VPC endpoint
/// <c>sts.&lt;region&gt;.amazonaws.com</c>, never the SSM one): AssumeRole and AssumeRoleWithWebIdentity in the Query
/// protocol with XML answers. AssumeRole callers are authenticated against the account's keys (those
/// <see cref="SsmFake"/> accepts); AssumeRoleWithWebIdentity is unsigned and authenticated by its token
/// (StsFake.WebIdentity.cs). The temporary keys it issues are accepted by that SSM fake with their session token.
/// </summary>
public sealed partial class StsFake : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SsmFake account;
    private readonly TimeProvider time;
    private int issued;

    private StsFake(WebApplication app, SsmFake account, TimeProvider time)
    {
        this.app = app;
        this.account = account;
        this.time = time;
        Faults = new FakeFaults(time);
    }

    /// <summary>Base URL to put in <c>spec.aws.stsEndpoint</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Call counts (<c>AssumeRole</c>) and injected faults.</summary>
    public FakeFaults Faults { get; }

    /// <summary>The last AssumeRole request: role, external id and session name.</summary>
    public (string RoleArn, string? ExternalId, string SessionName)? LastAssumeRole { get; private set; }

    /// <summary>How long issued credentials last.</summary>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromHours(1);

    public static async Task<StsFake> StartAsync(SsmFake account, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var app = LoopbackServer.Build();
        var fake = new StsFake(app, account, time);
        fake.Url = (await LoopbackServer.StartAsync(app, fake.ServeAsync, cancellationToken: cancellationToken).ConfigureAwait(false)).ToString().TrimEnd('/');
        return fake;
    }

    /// <summary>Calls of one action so far (e.g. <c>AssumeRole</c>).</summary>
    public int CallCount(string action) => Faults.CallCount(action);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ServeAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var form = ParseForm(await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false));
        var action = form.GetValueOrDefault("Action") ?? "Unknown";
        var (status, xml) = Faults.Decide(action) switch
        {
            FakeFault.Throttled => (400, Error("Throttling", "Rate exceeded")),
            FakeFault.Failed => (Faults.FailStatus ?? 500, Error("InternalFailure", "injected failure")),
            _ when action == "AssumeRoleWithWebIdentity" => await AnswerWebIdentityAsync(context.Request, form, context.RequestAborted).ConfigureAwait(false),
            _ => Answer(context.Request, action, form),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        await context.Response.WriteAsync(xml, context.RequestAborted).ConfigureAwait(false);
    }

    private (int Status, string Xml) Answer(HttpRequest request, string action, Dictionary<string, string> form)
    {
        if (action != "AssumeRole")
        {
            return (400, Error("InvalidAction", $"Could not find operation {action}"));
        }

        if (!account.Accepts(SsmFake.AccessKeyOf(request), request.Headers["X-Amz-Security-Token"].ToString()))
        {
            return (403, Error("InvalidClientTokenId", "The security token included in the request is invalid."));
        }

        var role = form.GetValueOrDefault("RoleArn") ?? "";
        var session = form.GetValueOrDefault("RoleSessionName") ?? "";
        LastAssumeRole = (role, form.GetValueOrDefault("ExternalId"), session);
        return (200, $"""
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <AssumedRoleUser><AssumedRoleId>AROAFAKE:{SecurityElement.Escape(session)}</AssumedRoleId><Arn>{SecurityElement.Escape(role)}/{SecurityElement.Escape(session)}</Arn></AssumedRoleUser>
                {IssueCredentialsXml()}
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </AssumeRoleResponse>
            """);
    }

    /// <summary>New temporary keys (ASIA…), allowed on the account with their session token; the XML Credentials element.</summary>
    private string IssueCredentialsXml()
    {
        var n = Interlocked.Increment(ref issued);
        var keyId = $"ASIAFAKESTS{n.ToString("D9", CultureInfo.InvariantCulture)}";
        var token = $"fake-session-token-{n.ToString(CultureInfo.InvariantCulture)}";
        account.AllowAccessKey(keyId, token);
        var expires = time.GetUtcNow().Add(CredentialLifetime).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return $"""
            <Credentials>
                  <AccessKeyId>{keyId}</AccessKeyId>
                  <SecretAccessKey>fake-temporary-secret</SecretAccessKey>
                  <SessionToken>{token}</SessionToken>
                  <Expiration>{expires}</Expiration>
                </Credentials>
            """;
    }

    private static string Error(string code, string message) =>
        $"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>";

    private static Dictionary<string, string> ParseForm(string body) =>
        body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .GroupBy(kv => Uri.UnescapeDataString(kv[0].Replace('+', ' ')), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Uri.UnescapeDataString((g.First().ElementAtOrDefault(1) ?? "").Replace('+', ' ')), StringComparer.Ordinal);
}
