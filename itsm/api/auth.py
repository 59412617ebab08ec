"""API tokens: random, stored hashed (django-rest-knox), expiring and revocable."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from itsm.api.inputs import ApiErrorSerializer
from itsm.api.schema import ApiSchema
from itsm.client_address import client_address
from itsm.security_log import security_event


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenIssueThrottle(AnonRateThrottle):
    """Per client address, read as the login lockout reads it (not X-Forwarded-For,
    which the client writes)."""

    rate = "20/hour"

    def get_ident(self, request):
        return client_address(request)


TokenResponse = inline_serializer(
    "TokenResponse", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
)


class TokenIssueView(APIView):
    """Exchange a username and password for a new API token (shown once)."""

    schema = ApiSchema()

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TokenIssueThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenResponse,
            400: OpenApiResponse(
                ApiErrorSerializer, description="`invalid_credentials`, or `invalid` input."
            ),
        },
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The plain Django request, so the lockout middleware sees a lockout and answers 429.
        user = authenticate(request._request, **data.validated_data)
        if user is None or not user.is_active:
            return Response(
                {"code": "invalid_credentials", "detail": "Wrong username or password."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        instance, token = AuthToken.objects.create(user)
        security_event("token_created", request=request, user=user, expiry=instance.expiry)
        return Response({"token": token, "expiry": instance.expiry}, status=status.HTTP_201_CREATED)


class TokenRevokeView(APIView):
    """Revoke the token this request was made with."""

    schema = ApiSchema()

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if not isinstance(request.auth, AuthToken):
            return Response(
                {"code": "not_token_auth", "detail": "Send the token to revoke in the header."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        security_event("token_revoked", request=request)
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRevokeAllView(APIView):
    """Revoke every token of the calling user."""

    schema = ApiSchema()

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        deleted, _ = AuthToken.objects.filter(user=request.user).delete()
        security_event("tokens_revoked_all", request=request, count=deleted)
        return Response(status=status.HTTP_204_NO_CONTENT)
