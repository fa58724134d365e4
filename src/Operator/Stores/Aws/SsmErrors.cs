using System.Net;
using Amazon.Runtime;

namespace Operator.Stores.Aws;

/// <summary>
/// Turns AWS failures into <see cref="SecretStoreException"/>s. Only the error code, HTTP status and request id are
/// kept: AWS messages can quote canonical requests, ARNs and session tokens, and the inner exception is dropped for
/// the same reason.
/// </summary>
internal static class SsmErrors
{
    public static SecretStoreException Map(AmazonServiceException e, string operation, string? what)
    {
        var code = e.ErrorCode ?? "";
        var target = what is null ? "" : $" for {what}";
        var id = string.IsNullOrEmpty(e.RequestId) ? "" : $" (request id {e.RequestId})";
        var status = (int)e.StatusCode;
        return code switch
        {
            "ThrottlingException" or "Throttling" or "TooManyUpdates" or "RequestLimitExceeded" or "TooManyRequestsException"
                => new(StoreErrorKind.Throttled, $"AWS throttled SSM {operation}{target}: {code}{id}"),
            _ when e.StatusCode == HttpStatusCode.TooManyRequests
                => new(StoreErrorKind.Throttled, $"AWS throttled SSM {operation}{target}: HTTP 429{id}"),
            "AccessDeniedException" or "AccessDenied"
                => new(StoreErrorKind.AccessDenied, $"AWS denied SSM {operation}{target} ({code}){id}; grant the operator's IAM identity ssm:{operation} on these parameters"),
            "UnrecognizedClientException" or "InvalidSignatureException" or "SignatureDoesNotMatch" or "IncompleteSignature"
                or "InvalidClientTokenId" or "ExpiredToken" or "ExpiredTokenException" or "MissingAuthenticationToken"
                => new(StoreErrorKind.AuthenticationFailed, $"AWS refused the credentials on SSM {operation} ({code}){id}; check spec.aws.auth"),
            "KMSAccessDeniedException" or "InvalidKeyId"
                => new(StoreErrorKind.AccessDenied, $"KMS refused the key for SSM {operation}{target} ({code}){id}; check spec.aws.kmsKeyArn and the key policy"),
            "ValidationException" or "ParameterPatternMismatchException" or "HierarchyLevelLimitExceededException" or "HierarchyTypeMismatchException"
                => new(StoreErrorKind.InvalidPath, $"SSM rejected {operation}{target} ({code}){id}"),
            "ParameterLimitExceeded" or "ParameterMaxVersionLimitExceeded"
                => new(StoreErrorKind.Misconfigured, $"SSM limit reached on {operation}{target} ({code}){id}"),
            _ when status >= 500 => new(StoreErrorKind.Unavailable, $"SSM {operation}{target} failed with HTTP {status} ({code}){id}"),
            _ => new(StoreErrorKind.Unavailable, $"SSM {operation}{target} failed: {(code.Length > 0 ? code : "HTTP " + status)}{id}"),
        };
    }

    /// <summary>Client-side failures (network, credential chain); their messages are not trusted either.</summary>
    public static SecretStoreException MapClient(Exception e, string operation) => e switch
    {
        HttpRequestException h => new(StoreErrorKind.Unavailable, $"cannot reach SSM for {operation}: {h.HttpRequestError}"),
        TimeoutException or TaskCanceledException => new(StoreErrorKind.Unavailable, $"SSM {operation} timed out"),
        AmazonClientException when e.Message.Contains("credential", StringComparison.OrdinalIgnoreCase)
            => new(StoreErrorKind.AuthenticationFailed, $"no AWS credentials could be loaded for SSM {operation}; set spec.aws.auth or give the pod an IAM identity"),
        _ => new(StoreErrorKind.Unavailable, $"SSM {operation} failed on the client side ({e.GetType().Name})"),
    };
}
