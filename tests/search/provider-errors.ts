// Error bodies as the real services send them (their documented shapes and wording), for the loopback fakes.
export const openAiInsufficientQuota = {
  error: {
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this ' +
      'error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    type: 'insufficient_quota',
    param: null,
    code: 'insufficient_quota',
  },
};

export function openAiRateLimit(hint: string | null) {
  return {
    error: {
      message:
        'Rate limit reached for gpt-4o-mini in organization org-abc123 on requests per min (RPM): Limit 3, Used 3, ' +
        `Requested 1.${hint ? ` Please try again in ${hint}.` : ''} ` +
        'Visit https://platform.openai.com/account/rate-limits to learn more.',
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    },
  };
}

export const openAiInvalidKey = {
  error: {
    message:
      'Incorrect API key provided: sk-test-*****6789. You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
};

export const serpApiOutOfSearches = { error: 'Your account has run out of searches.' };
export const serpApiInvalidKey = {
  error: 'Invalid API key. Your API key should be here: https://serpapi.com/manage-api-key',
};

export const jinaInsufficientBalance = {
  data: null,
  code: 402,
  name: 'InsufficientBalanceError',
  status: 40203,
  message: 'Account balance not enough to run this query, please recharge.',
  readableMessage: 'InsufficientBalanceError: Account balance not enough to run this query, please recharge.',
};

export const jinaInvalidKey = {
  data: null,
  code: 401,
  name: 'AuthenticationFailedError',
  status: 40103,
  message: 'Invalid API key, please get a new one from https://jina.ai',
  readableMessage: 'AuthenticationFailedError: Invalid API key, please get a new one from https://jina.ai',
};

export const jinaRateLimited = {
  data: null,
  code: 429,
  name: 'RateLimitTriggeredError',
  status: 42903,
  message: 'Per IP rate limit exceeded, please try again later.',
  readableMessage: 'RateLimitTriggeredError: Per IP rate limit exceeded, please try again later.',
};
