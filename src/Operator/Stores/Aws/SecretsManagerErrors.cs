namespace Operator.Stores.Aws;

/// <summary>
/// Turns Secrets Manager error codes into <see cref="SecretStoreException"/>s. Only the code, status and request id are
/// kept: AWS messages can quote ARNs, policies and canonical requests.
/// </summary>
internal static class SecretsManagerErrors
{
    public static SecretStoreException Map(SecretsManagerResponse response, string operation, string? what) =>
        Map(response.ErrorCode, (int)response.Status, response.RequestId, operation, what);

    public static SecretStoreException Map(string? code, int status, string? requestId, string operation, string? what)
    {
        code ??= "";
        var target = what is null ? "" : $" for {what}";
        var id = string.IsNullOrEmpty(requestId) ? "" : $" (request id {requestId})";
        return code switch
        {
            "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded"
                => new(StoreErrorKind.Throttled, $"AWS throttled Secrets Manager {operation}{target}: {code}{id}"),
            _ when status == 429 => new(StoreErrorKind.Throttled, $"AWS throttled Secrets Manager {operation}{target}: HTTP 429{id}"),
            "AccessDeniedException" or "AccessDenied"
                => new(StoreErrorKind.AccessDenied, $"AWS denied Secrets Manager {operation}{target} ({code}){id}; grant the operator's IAM identity secretsmanager:{operation} (and secretsmanager:GetSecretValue on each secret read)"),
            "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignatureException" or "SignatureDoesNotMatch"
                or "InvalidClientTokenId" or "ExpiredToken" or "ExpiredTokenException" or "MissingAuthenticationTokenException"
                => new(StoreErrorKind.AuthenticationFailed, $"AWS refused the credentials on Secrets Manager {operation} ({code}){id}; check spec.aws.auth"),
            "DecryptionFailure" or "EncryptionFailure" or "KMSAccessDeniedException"
                => new(StoreErrorKind.AccessDenied, $"KMS refused the key on Secrets Manager {operation}{target} ({code}){id}; check spec.aws.kmsKeyArn and the key policy"),
            "ValidationException" or "InvalidParameterException"
                => new(StoreErrorKind.InvalidPath, $"Secrets Manager rejected {operation}{target} ({code}){id}"),
            "InvalidRequestException" or "LimitExceededException" or "ResourceExistsException"
                => new(StoreErrorKind.Misconfigured, $"Secrets Manager refused {operation}{target} in the secret's current state ({code}){id}, e.g. a secret scheduled for deletion"),
            _ when status >= 500 => new(StoreErrorKind.Unavailable, $"Secrets Manager {operation}{target} failed with HTTP {status} ({code}){id}"),
            _ => new(StoreErrorKind.Unavailable, $"Secrets Manager {operation}{target} failed: {(code.Length > 0 ? code : "HTTP " + status)}{id}"),
        };
    }
}
