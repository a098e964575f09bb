from rest_framework.views import APIView


class MatterListApi(APIView):
    pass
